package org.rlhf4j.feedback.human.annotate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.javalin.http.Context;
import java.io.UncheckedIOException;

/** JSON replies of the web app, errors as {@code {"error": message}}. */
final class Replies {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Replies() {}

    static void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(body));
        }
        catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void error(Context ctx, int status, String message) {
        if (status == 401) {
            ctx.header("WWW-Authenticate", "Bearer");
        }
        json(ctx, status, JsonNodeFactory.instance.objectNode().put("error", message));
    }
}
