/**
 * Word-level tokenizer for the policy, reward and judge models.
 *
 * <p>{@link org.rlhf4j.engine.tokenizer.WordTokenizer} splits text into words and single
 * punctuation marks, learns a vocabulary from a corpus ({@link
 * org.rlhf4j.engine.tokenizer.TokenizerTrainer}), encodes and decodes, pads batches
 * ({@link org.rlhf4j.engine.tokenizer.TokenBatch}) and saves itself as deterministic JSON.
 *
 * <h2>Why our own tokenizer</h2>
 * The built-in tasks are English made of real words from a closed grammar (a vocabulary of about
 * 1,000-2,000 words). A word-level vocabulary keeps sequences short, which matters because SameDiff
 * costs a fixed amount per op and attention is quadratic in the sequence length.
 *
 * <p>Checked before writing this package (DJL 0.30.0, {@code ai.djl.huggingface:tokenizers} on Maven
 * Central): the 18 MB jar bundles {@code native/lib/linux-x86_64/cpu/libtokenizers.so} (and
 * linux-aarch64, osx-aarch64, win-x86_64 natives), so it runs offline, but its JNI surface
 * ({@code TokenizersLibrary}) only creates tokenizers from a {@code tokenizer.json} or BPE files and
 * encodes/decodes: it has no trainer. Training would need Python {@code tokenizers}, which we do not
 * want at run time, and the library would add the {@code ai.djl:api} dependency and a native library
 * for a job that is a few hundred lines of Java here. The JSON written by this package is our own
 * format (not the Hugging Face {@code tokenizer.json} schema).
 */
package org.rlhf4j.engine.tokenizer;
