package org.rlhf4j.api.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.rlhf4j.api.plugin.NoConfig;
import org.rlhf4j.api.plugin.PluginBinders;
import org.rlhf4j.api.plugin.PluginException;
import org.rlhf4j.api.plugin.PluginLoader;
import org.rlhf4j.api.plugin.PluginRegistry;
import org.rlhf4j.api.plugin.UnknownTypeException;

/** Tasks are plugins: registered by a Guice module, found on the class path, looked up by name. */
class TestTaskPlugins {
    @Test
    void discoversThirdPartyTaskThroughItsModule() {
        PluginRegistry registry = PluginLoader.load(getClass().getClassLoader());
        TaskFactory factory = registry.task("echo");
        assertEquals("repeat the last word of the prompt", factory.description());
        assertSame(NoConfig.class, factory.configClass());
        Task echo = factory.create();
        assertEquals("echo", echo.name());
        assertEquals(List.of("say moon", "say tree"), echo.prompts(Split.EVAL));
        assertEquals(echo.corpus(7, 20), echo.corpus(7, 20));
        assertEquals(1.0, echo.goldScorer().reward("say moon", "moon"));
        assertEquals(0.0, echo.goldScorer().reward("say moon", "tree"));
    }

    @Test
    void defaultsOfTheSpi() {
        Task echo = new EchoTaskFactory().create();
        assertEquals("", echo.description());
        assertEquals(List.of(), echo.demonstrations(1, 10));
        GoldScorer scorer = echo.goldScorer();
        assertFalse(scorer.hasCost());
        assertEquals(Set.of(), scorer.harmCategories("say cat", "boo"));
        GoldScore score = scorer.score("say cat", "boo");
        assertEquals(0.0, score.reward());
        assertEquals(1.0, score.cost());
        assertTrue(score.unsafe());
    }

    @Test
    void unknownNameListsKnownTasks() {
        PluginRegistry registry = PluginLoader.fromModules(List.of(
                binder -> PluginBinders.tasks(binder).addBinding("echo").to(EchoTaskFactory.class)));
        UnknownTypeException error = assertThrows(UnknownTypeException.class, () -> registry.task("nope"));
        assertEquals("unknown task type 'nope'; known task types: echo (a plugin jar adds more: see --plugins)",
                error.getMessage());
    }

    @Test
    void aNameRegisteredTwiceIsRejected() {
        PluginException error = assertThrows(PluginException.class, () -> PluginLoader.fromModules(List.of(
                binder -> PluginBinders.tasks(binder).addBinding("echo").to(EchoTaskFactory.class),
                binder -> PluginBinders.tasks(binder).addBinding("echo").toInstance(new EchoTaskFactory()))));
        assertTrue(error.getMessage().contains("echo"), error.getMessage());
    }

    @Test
    void demonstrationJoinsPromptAndResponse() {
        assertEquals("the kettle is great.", new Demonstration("the kettle is", "great.").text());
        assertEquals("great.", new Demonstration("", "great.").text());
    }
}
