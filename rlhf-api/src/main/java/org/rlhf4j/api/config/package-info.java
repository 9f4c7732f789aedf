/**
 * The experiment config: YAML read with the line of every key, {@code --set} overrides applied to the
 * tree, Jackson binding into typed config classes (the core's and each plugin's), and errors that name
 * the file, the line and the key path before any work starts.
 */
package org.rlhf4j.api.config;
