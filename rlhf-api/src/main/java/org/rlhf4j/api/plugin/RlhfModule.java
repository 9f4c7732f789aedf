package org.rlhf4j.api.plugin;

import com.google.inject.Module;

/**
 * The service a plugin jar provides: a Guice module that registers the plugin's types with
 * {@link PluginBinders}. List the implementation's binary name in
 * {@code META-INF/services/org.rlhf4j.api.plugin.RlhfModule}; it needs a public no-argument constructor.
 *
 * <p>Like any Guice module it must be fast and free of side effects: registering a type must not read
 * files or open connections (do that in the factory's {@code create}).
 *
 * <pre>{@code
 * public final class MyPluginModule implements RlhfModule {
 *     public void configure(Binder binder) {
 *         PluginBinders.feedbackSources(binder).addBinding("my-judge").to(MyJudgeFactory.class);
 *     }
 * }
 * }</pre>
 */
public interface RlhfModule extends Module {}
