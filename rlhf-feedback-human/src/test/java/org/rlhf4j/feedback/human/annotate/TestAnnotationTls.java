package org.rlhf4j.feedback.human.annotate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS with a keystore the test generates ({@link TestKeystore}), and the guard against plain HTTP off loopback.
 */
class TestAnnotationTls {
    @TempDir
    Path directory;

    @Test
    void thePageAndTheApiWorkOverTlsWithTheCertificateChecked() throws Exception {
        TestKeystore keystore = TestKeystore.generate(directory);
        AnnotationStore store = AnnotationStore.open(directory.resolve("store"));
        String alice = store.issueToken("alice", Role.ANNOTATOR);
        store.addPairs(List.of(new Pair("p1", "Say hi", "Hello!", "Go away.")));
        try (AnnotationServer server = AnnotationServer.start(store, ServerOptions.https("127.0.0.1", 0, keystore.tls()))) {
            assertEquals("https://127.0.0.1:" + server.port() + "/", server.url());
            for (String host : List.of("127.0.0.1", "localhost")) {
                Http https = new Http(host, server.port(), keystore.trust());
                Http.Reply page = https.get("/", null);
                assertEquals(200, page.status());
                assertTrue(page.body().contains("rlhf4j annotate"));
                assertTrue(page.header("Content-Security-Policy").contains("script-src 'self'"));
                assertEquals("max-age=31536000", page.header("Strict-Transport-Security"));
                assertEquals("alice", https.get("/api/me", alice).json().get("name").asText());
            }
            Http https = new Http("127.0.0.1", server.port(), keystore.trust());
            assertEquals(201, https.label(alice, "p1", "A", "A", true, false, "over TLS").status());
            assertEquals(401, https.get("/api/me", "wrong").status());
            assertEquals("over TLS", store.label("alice", "p1").orElseThrow().explanation());

            // a client that trusts only the usual authorities refuses the self-signed certificate: it is really checked
            Http untrusting = new Http("127.0.0.1", server.port(), SSLContext.getDefault());
            assertThrows(SSLHandshakeException.class, () -> untrusting.get("/", null));
            // plain HTTP to the TLS port gets no page
            Http plain = new Http(server.port());
            boolean refused;
            try {
                refused = plain.get("/", null).status() >= 400;
            }
            catch (IOException e) {
                refused = true;
            }
            assertTrue(refused, "plain HTTP to the HTTPS port is not served");
        }
        // the way `rlhf annotate serve --tls-keystore` starts it, on the same store
        HumanAnnotationApp app = new HumanAnnotationApp();
        try (var server = app.serve(directory.resolve("store"), "127.0.0.1", 0, Optional.of(keystore.file),
                Optional.of(keystore.password), false)) {
            Http https = new Http("localhost", server.port(), keystore.trust());
            assertEquals("over TLS", https.get("/api/labels", alice).json().get(0).get("explanation").asText());
        }
    }

    @Test
    void plainHttpOffLoopbackIsRefusedWithAClearMessageUnlessAllowed() throws Exception {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.http("0.0.0.0", 0).checkBind());
        assertTrue(refused.getMessage().startsWith("refusing to serve plain HTTP on 0.0.0.0, which is not a loopback address"),
                refused.getMessage());
        assertTrue(refused.getMessage().contains("--tls-keystore FILE") && refused.getMessage().contains("--insecure-http"),
                refused.getMessage());
        HumanAnnotationApp app = new HumanAnnotationApp();
        Path store = directory.resolve("store");
        IllegalArgumentException viaApp = assertThrows(IllegalArgumentException.class,
                () -> app.serve(store, "0.0.0.0", 0, Optional.empty(), Optional.empty(), false));
        assertEquals(refused.getMessage(), viaApp.getMessage());
        assertTrue(!Files.exists(store), "refused before the store was opened or anything bound");
        assertEquals(Optional.empty(), ServerOptions.http("localhost", 0).checkBind(), "loopback by name is fine");
        assertEquals(Optional.empty(), ServerOptions.http("::1", 0).checkBind());

        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (var server = app.serve(store, "0.0.0.0", 0, Optional.empty(), Optional.empty(), true)) {
            assertEquals(200, new Http(server.port()).get("/", null).status(), "allowed with --insecure-http");
        }
        finally {
            System.setErr(err);
        }
        assertTrue(captured.toString(StandardCharsets.UTF_8).contains("WARN org.rlhf4j.feedback.human.annotate.AnnotationServer"
                + " - annotation app: serving plain HTTP on 0.0.0.0 (--insecure-http)"), captured.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anUnusableKeystoreIsAClearErrorBeforeAnythingBinds() throws Exception {
        TestKeystore keystore = TestKeystore.generate(directory);
        HumanAnnotationApp app = new HumanAnnotationApp();
        Path store = directory.resolve("store");
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> app.serve(store, "127.0.0.1", 0, Optional.of(keystore.file), Optional.of("not-the-password"), false));
        assertTrue(wrong.getMessage().contains("cannot open the TLS keystore " + keystore.file)
                && wrong.getMessage().contains("password"), wrong.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> app.serve(store, "127.0.0.1", 0, Optional.of(directory.resolve("none.p12")), Optional.of("x"), false));
        assertTrue(missing.getMessage().endsWith("none.p12 is not a file"), missing.getMessage());
        Path notAKeystore = Files.writeString(directory.resolve("text.p12"), "hello");
        IllegalArgumentException garbage = assertThrows(IllegalArgumentException.class,
                () -> app.serve(store, "127.0.0.1", 0, Optional.of(notAKeystore), Optional.of("x"), false));
        assertTrue(garbage.getMessage().contains("cannot open the TLS keystore"), garbage.getMessage());
        assertTrue(!Files.exists(store));
        assertTrue(!keystore.tls().toString().contains(keystore.password), "the password is never printed");
    }
}
