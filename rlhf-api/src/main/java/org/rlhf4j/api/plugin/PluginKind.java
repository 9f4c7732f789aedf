package org.rlhf4j.api.plugin;

/** The kinds of registered types a config can name with {@code type:}. */
public enum PluginKind {
    FEEDBACK("feedback source", "Feedback sources"),
    ALGORITHM("algorithm", "Algorithms"),
    TASK("task", "Tasks");

    private final String singular;
    private final String heading;

    PluginKind(String singular, String heading) {
        this.singular = singular;
        this.heading = heading;
    }

    /** E.g. "feedback source", for error messages. */
    public String singular() {
        return singular;
    }

    /** E.g. "Feedback sources", for listings. */
    public String heading() {
        return heading;
    }
}
