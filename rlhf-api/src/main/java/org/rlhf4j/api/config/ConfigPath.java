package org.rlhf4j.api.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A key path into the config tree: field names and array indexes. Printed as {@code arms[0].feedback.x}
 * and, for location look-ups, as a JSON pointer {@code /arms/0/feedback/x}.
 */
record ConfigPath(List<Object> segments) {
    static final ConfigPath ROOT = new ConfigPath(List.of());

    ConfigPath {
        segments = List.copyOf(segments);
    }

    ConfigPath field(String name) {
        List<Object> next = new ArrayList<>(segments);
        next.add(name);
        return new ConfigPath(next);
    }

    ConfigPath index(int index) {
        List<Object> next = new ArrayList<>(segments);
        next.add(index);
        return new ConfigPath(next);
    }

    ConfigPath append(ConfigPath other) {
        List<Object> next = new ArrayList<>(segments);
        next.addAll(other.segments);
        return new ConfigPath(next);
    }

    ConfigPath parent() {
        return segments.isEmpty() ? this : new ConfigPath(segments.subList(0, segments.size() - 1));
    }

    boolean isRoot() {
        return segments.isEmpty();
    }

    String pointer() {
        StringBuilder pointer = new StringBuilder();
        for (Object segment : segments) {
            pointer.append('/').append(segment.toString().replace("~", "~0").replace("/", "~1"));
        }
        return pointer.toString();
    }

    @Override
    public String toString() {
        StringBuilder path = new StringBuilder();
        for (Object segment : segments) {
            if (segment instanceof Integer) {
                path.append('[').append(segment).append(']');
            }
            else {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(segment);
            }
        }
        return path.toString();
    }
}
