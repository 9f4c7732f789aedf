/**
 * Plugin discovery: each plugin jar lists an {@link org.rlhf4j.api.plugin.RlhfModule} in
 * {@code META-INF/services/org.rlhf4j.api.plugin.RlhfModule}; the module registers its implementations
 * under {@code type} names with {@link org.rlhf4j.api.plugin.PluginBinders} (Guice {@code MapBinder}s, in
 * the manner of Druid's extensions); {@link org.rlhf4j.api.plugin.PluginLoader} finds the modules on the
 * class path and in plugin directories and builds the {@link org.rlhf4j.api.plugin.PluginRegistry}.
 */
package org.rlhf4j.api.plugin;
