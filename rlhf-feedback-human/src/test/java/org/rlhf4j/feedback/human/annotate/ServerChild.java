package org.rlhf4j.feedback.human.annotate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** A child JVM serving a store on a free loopback port, written to {@code <store>/port}, until it is killed. */
public final class ServerChild {
    private ServerChild() {}

    public static void main(String[] args) throws Exception {
        Path store = Path.of(args[0]);
        AnnotationServer server = AnnotationServer.start(AnnotationStore.open(store), "127.0.0.1", 0);
        Path partial = store.resolve("port.partial");
        Files.writeString(partial, Integer.toString(server.port()));
        Files.move(partial, store.resolve("port"), StandardCopyOption.ATOMIC_MOVE);
        Thread.sleep(Long.MAX_VALUE);
    }
}
