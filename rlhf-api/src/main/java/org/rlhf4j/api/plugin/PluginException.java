package org.rlhf4j.api.plugin;

/** Plugins could not be loaded (bad jar, duplicate type name, failing module). */
public class PluginException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PluginException(String message, Throwable cause) {
        super(message, cause);
    }

    public PluginException(String message) {
        super(message);
    }
}
