package org.rlhf4j.api.task;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestTaskRegistry
{
    @Test
    void discoversThirdPartyTaskThroughServiceLoader()
    {
        TaskRegistry registry = TaskRegistry.load();
        assertTrue(registry.names().contains("echo"), registry.names().toString());
        Task echo = registry.create("echo");
        assertEquals("echo", echo.name());
        assertEquals("repeat the last word of the prompt", registry.factory("echo").orElseThrow().description());
        assertEquals(List.of("say moon", "say tree"), echo.prompts(Split.EVAL));
        assertEquals(echo.corpus(7, 20), echo.corpus(7, 20));
        assertEquals(1.0, echo.goldScorer().reward("say moon", "moon"));
        assertEquals(0.0, echo.goldScorer().reward("say moon", "tree"));
    }

    @Test
    void defaultsOfTheSpi()
    {
        Task echo = TaskRegistry.load().create("echo");
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
    void unknownNameListsKnownTasks()
    {
        TaskRegistry registry = TaskRegistry.of(List.of(new EchoTaskFactory()));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> registry.create("nope"));
        assertTrue(error.getMessage().startsWith("Unknown task 'nope'. Known tasks: [echo]."), error.getMessage());
    }

    @Test
    void duplicateAndInvalidNamesAreRejected()
    {
        IllegalArgumentException duplicate = assertThrows(IllegalArgumentException.class,
                () -> TaskRegistry.of(List.of(new EchoTaskFactory(), new EchoTaskFactory())));
        assertTrue(duplicate.getMessage().contains("Task 'echo' is provided twice"), duplicate.getMessage());

        TaskFactory badName = new TaskFactory()
        {
            @Override
            public String name()
            {
                return "Bad Name";
            }

            @Override
            public Task create()
            {
                throw new AssertionError("not called");
            }
        };
        assertThrows(IllegalArgumentException.class, () -> TaskRegistry.of(List.of(badName)));
    }

    @Test
    void demonstrationJoinsPromptAndResponse()
    {
        assertEquals("the kettle is great.", new Demonstration("the kettle is", "great.").text());
        assertEquals("great.", new Demonstration("", "great.").text());
    }
}
