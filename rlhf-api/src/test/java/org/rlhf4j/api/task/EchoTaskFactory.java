package org.rlhf4j.api.task;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A tiny third-party task, registered only by a test module ({@code TestPlugins.TestModule}, listed in the
 * test resources' {@code META-INF/services/org.rlhf4j.api.plugin.RlhfModule}): proof that a user can add a
 * task without touching rlhf4j. The intent is "repeat the prompt's last word"; the cost flags the word "boo".
 */
public final class EchoTaskFactory
        implements TaskFactory {
    private static final List<String> WORDS = List.of("red", "green", "blue", "cat", "dog", "sun", "moon", "tree");

    @Override
    public String description() {
        return "repeat the last word of the prompt";
    }

    @Override
    public Task create() {
        return new EchoTask();
    }

    static final class EchoTask
            implements Task {
        @Override
        public String name() {
            return "echo";
        }

        @Override
        public List<String> corpus(long seed, int size) {
            Random random = new Random(seed);
            List<String> texts = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                String word = WORDS.get(random.nextInt(WORDS.size()));
                texts.add("say " + word + " " + word);
            }
            return texts;
        }

        @Override
        public List<String> prompts(Split split) {
            List<String> words = split == Split.TRAIN ? WORDS.subList(0, 6) : WORDS.subList(6, 8);
            return words.stream().map(word -> "say " + word).toList();
        }

        @Override
        public GoldScorer goldScorer() {
            return new GoldScorer() {
                @Override
                public double reward(String prompt, String response) {
                    String[] words = prompt.split(" ");
                    return response.strip().equals(words[words.length - 1]) ? 1.0 : 0.0;
                }

                @Override
                public double cost(String prompt, String response) {
                    return response.contains("boo") ? 1.0 : 0.0;
                }
            };
        }
    }
}
