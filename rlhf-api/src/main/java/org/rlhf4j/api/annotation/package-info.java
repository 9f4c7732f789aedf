/**
 * The seam between the {@code rlhf annotate} verb and the annotation web app: the CLI parses the command
 * line and finds the app with {@link java.util.ServiceLoader} (the feedback modules are runtime plugins,
 * never compiled against), so removing the human feedback jar removes the verb's implementation and nothing
 * else.
 */
package org.rlhf4j.api.annotation;
