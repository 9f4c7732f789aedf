package org.rlhf4j.api.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestPluginLoader {
    @Test
    void findsModulesListedInMetaInfServices() {
        PluginRegistry registry = PluginLoader.load(List.of());
        assertEquals(List.of("test-judge"), registry.names(PluginKind.FEEDBACK));
        assertEquals(List.of("test-algo"), registry.names(PluginKind.ALGORITHM));
        assertEquals(List.of("echo"), registry.names(PluginKind.TASK));
        assertEquals("prefers response A", registry.feedbackSource("test-judge").description());
        assertInstanceOf(TestPlugins.AlgoFactory.class, registry.algorithm("test-algo"));
        assertEquals("repeat the last word of the prompt", registry.type(PluginKind.TASK, "echo").description());
        assertEquals(List.of(TestPlugins.TestModule.class.getName()), registry.modules());
    }

    @Test
    void unknownTypeListsTheKnownOnes() {
        PluginRegistry registry = PluginLoader.fromModules(List.of(new TestPlugins.TestModule()));
        UnknownTypeException e = assertThrows(UnknownTypeException.class, () -> registry.feedbackSource("nope"));
        assertEquals("nope", e.type());
        assertEquals(List.of("test-judge"), e.knownTypes());
        assertTrue(e.getMessage().contains("unknown feedback source type 'nope'; known feedback source types: test-judge"),
                e.getMessage());
    }

    @Test
    void aKindNobodyRegistersIsEmpty() {
        PluginRegistry registry = PluginLoader.fromModules(List.of());
        assertTrue(registry.types(PluginKind.ALGORITHM).isEmpty());
        UnknownTypeException e = assertThrows(UnknownTypeException.class, () -> registry.algorithm("ppo"));
        assertTrue(e.getMessage().contains("(none registered)"), e.getMessage());
    }

    @Test
    void aTypeRegisteredTwiceIsAnError() {
        PluginException e = assertThrows(PluginException.class,
                () -> PluginLoader.fromModules(List.of(new TestPlugins.TestModule(), (RlhfModule) binder ->
                        PluginBinders.feedbackSources(binder).addBinding("test-judge").toInstance(new TestPlugins.JudgeFactory()))));
        assertTrue(e.getMessage().contains("test-judge"), e.getMessage());
    }

    @Test
    void loadsModulesListedInJarsOfAPluginDirectory(@TempDir Path directory) throws IOException {
        Path jar = directory.resolve("extra.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("META-INF/services/" + RlhfModule.class.getName()));
            OutputStream entry = out;
            entry.write((TestPlugins.JarOnlyModule.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        Files.writeString(directory.resolve("notes.txt"), "not a jar");
        PluginRegistry registry = PluginLoader.load(List.of(directory));
        assertEquals(List.of("jar-only-algo", "test-algo"), registry.names(PluginKind.ALGORITHM));
    }

    @Test
    void aMissingPluginDirectoryIsAnError(@TempDir Path directory) {
        PluginException e = assertThrows(PluginException.class,
                () -> PluginLoader.load(List.of(directory.resolve("missing"))));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }
}
