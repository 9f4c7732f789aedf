package org.rlhf4j.api.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;
import org.rlhf4j.api.task.Task;

/** The services the engine lends plugins through their context. */
class TestPluginContextServices {
    /** A stand-in for an engine service (rlhf-algorithms' PolicyBackbone). */
    record Backbone(String name) {}

    @Test
    void aContextOffersTheServicesAddedToItAndKeepsEverythingElse() {
        PluginContext plain = PluginContext.of(Path.of("/configs"), 42);
        assertEquals(Optional.empty(), plain.service(Backbone.class), "none by default");
        PluginContext lent = plain.withService(Backbone.class, new Backbone("sft")).withService(String.class, "more");
        assertEquals(Optional.of(new Backbone("sft")), lent.service(Backbone.class));
        assertEquals(Optional.of("more"), lent.service(String.class));
        assertEquals(Optional.empty(), lent.service(Integer.class));
        assertEquals(Path.of("/configs/demos.jsonl"), lent.resolve("demos.jsonl"));
        assertEquals(42, lent.seed());
        Task task = Mockito.mock(Task.class);
        PluginContext withTask = lent.withTask(task);
        assertEquals(Optional.of(task), withTask.task());
        assertEquals(Optional.of(new Backbone("sft")), withTask.service(Backbone.class), "a task keeps the services");
    }

    @Test
    void aServiceMustBeOfItsType() {
        PluginContext plain = PluginContext.of(Path.of("."), 0);
        @SuppressWarnings({"unchecked", "rawtypes"})
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> plain.withService((Class) Backbone.class, "not a backbone"));
        assertTrue(e.getMessage().contains("is not a"), e.getMessage());
    }
}
