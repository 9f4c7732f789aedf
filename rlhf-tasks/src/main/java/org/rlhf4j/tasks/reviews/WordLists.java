package org.rlhf4j.tasks.reviews;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the word-list resources of this package: lines {@code key: entry, entry, ...}, {@code #} comments.
 * Entries keep their order; duplicates within a key are dropped.
 */
final class WordLists {
    private WordLists() {}

    static Map<String, List<String>> read(String resource) {
        Map<String, Set<String>> lists = new LinkedHashMap<>();
        try (InputStream in = WordLists.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + resource + " next to " + WordLists.class.getName());
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new IllegalStateException(resource + ":" + number + ": expected 'key: entries'");
                }
                Set<String> entries = lists.computeIfAbsent(line.substring(0, colon).strip(), key -> new LinkedHashSet<>());
                for (String entry : line.substring(colon + 1).split(",")) {
                    String value = entry.strip().replaceAll("\\s+", " ");
                    if (!value.isEmpty()) {
                        entries.add(value);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, List<String>> result = new LinkedHashMap<>();
        lists.forEach((key, entries) -> result.put(key, List.copyOf(new ArrayList<>(entries))));
        return result;
    }
}
