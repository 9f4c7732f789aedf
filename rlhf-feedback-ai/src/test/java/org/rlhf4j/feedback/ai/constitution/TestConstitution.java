package org.rlhf4j.feedback.ai.constitution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhf4j.api.config.ConfigBinder;
import org.rlhf4j.api.plugin.PluginContext;

class TestConstitution {
    @TempDir
    Path tmp;

    @Test
    void readsAFileOfPrinciples() throws IOException {
        Files.writeString(tmp.resolve("c.yaml"), """
                principles:
                  - name: positive
                    asks: A glowing review.
                    forbids: A complaint.
                    weight: 2
                  - name: polite
                    dimension: harmlessness
                    asks: A polite review.
                """);
        Constitution constitution = Constitution.of(null, "c.yaml", PluginContext.of(tmp, 0));
        assertEquals(List.of(new Principle("positive", Dimension.HELPFULNESS, "A glowing review.", "A complaint.", 2.0)),
                constitution.of(Dimension.HELPFULNESS));
        assertEquals("1. polite: A polite review.", constitution.render(Dimension.HARMLESSNESS));
        assertEquals("1. positive: A glowing review. Not: A complaint.", constitution.render(Dimension.HELPFULNESS));
        assertNotEquals(Constitution.DEFAULT.fingerprint(), constitution.fingerprint());
    }

    @Test
    void badInputNamesTheFileAndLine() throws IOException {
        Files.writeString(tmp.resolve("typo.yaml"), "principles:\n  - name: x\n    asks: y\n    wieght: 2\n  - name: z\n    asks: w\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Constitution.of(null, "typo.yaml", PluginContext.of(tmp, 0)));
        assertTrue(e.getMessage().contains("typo.yaml, line 4: unknown key 'wieght'; known keys: asks,"), e.getMessage());

        Files.writeString(tmp.resolve("noasks.yaml"), "principles:\n  - name: x\n");
        e = assertThrows(IllegalArgumentException.class, () -> Constitution.of(null, "noasks.yaml", PluginContext.of(tmp, 0)));
        assertTrue(e.getMessage().contains("principle 'x' needs 'asks'"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> Constitution.of(null, "missing.yaml", PluginContext.of(tmp, 0)));
        assertTrue(e.getMessage().contains("missing.yaml (constitution_file) is not a file"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> Constitution.of(Constitution.DEFAULT.principles(), "c.yaml",
                PluginContext.of(tmp, 0)));
        assertEquals("give either 'constitution' or 'constitution_file', not both", e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> new Constitution(List.of(Principle.of("a", null, "x", null),
                Principle.of("a", null, "y", null))));
        assertEquals("two principles are named 'a'", e.getMessage());
    }

    @Test
    void inlinePrinciplesBindFromConfigWithDefaults() throws IOException {
        Principle principle = ConfigBinder.MAPPER.readValue("{\"name\": \"n\", \"asks\": \" a \", \"dimension\": \"Harmlessness\"}",
                Principle.class);
        assertEquals(new Principle("n", Dimension.HARMLESSNESS, "a", null, 1.0), principle);
        assertEquals(Constitution.DEFAULT, Constitution.of(null, null, PluginContext.of(tmp, 0)));
    }
}
