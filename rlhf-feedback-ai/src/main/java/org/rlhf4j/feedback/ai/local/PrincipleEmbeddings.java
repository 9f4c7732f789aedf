package org.rlhf4j.feedback.ai.local;

import static java.util.Objects.requireNonNull;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.util.ArrayList;
import java.util.List;
import org.rlhf4j.feedback.ai.constitution.Constitution;
import org.rlhf4j.feedback.ai.constitution.Dimension;
import org.rlhf4j.feedback.ai.constitution.Principle;

/**
 * The constitution as the local judge sees it: every principle's {@code asks} and {@code forbids} sentences embedded
 * by all-MiniLM-L6-v2 (quantised, on ONNX Runtime, CPU), and a text's score on a dimension:
 * <pre>
 * score(text, dimension) = sum_p w_p (cos(text, asks_p) - cos(text, forbids_p)) / sum_p w_p
 * </pre>
 * over the dimension's principles {@code p} (a principle without {@code forbids} contributes {@code cos(text, asks_p)}).
 * A similarity of meaning, not a judgement of quality: the model was trained to place paraphrases together, so a text
 * made of the words a principle uses ("great great great") can score as high as one that does what it asks.
 */
public final class PrincipleEmbeddings {
    /** The model's name and version, part of every cache key. */
    public static final String MODEL = "all-minilm-l6-v2-q@langchain4j-1.19.0-beta29";

    private final EmbeddingModel model;
    private final Constitution constitution;
    private final List<float[]> asks = new ArrayList<>();
    private final List<float[]> forbids = new ArrayList<>();

    /** The model on one thread; see {@link #PrincipleEmbeddings(Constitution, int)}. */
    public PrincipleEmbeddings(Constitution constitution) {
        this(constitution, 1);
    }

    /**
     * Loads the model (once per JVM and thread count, from the jar: no download) and embeds the principles.
     *
     * @param threads ONNX Runtime's intra-op threads per text
     */
    public PrincipleEmbeddings(Constitution constitution, int threads) {
        this.constitution = requireNonNull(constitution, "constitution is null");
        this.model = MiniLmModel.withThreads(threads);
        List<String> sentences = new ArrayList<>();
        for (Principle principle : constitution.principles()) {
            sentences.add(principle.asks());
            sentences.add(principle.forbids() == null ? "" : principle.forbids());
        }
        List<float[]> vectors = embed(sentences);
        for (int i = 0; i < constitution.principles().size(); i++) {
            asks.add(vectors.get(2 * i));
            forbids.add(constitution.principles().get(i).forbids() == null ? null : vectors.get(2 * i + 1));
        }
    }

    /** Unit-length embeddings of the texts, in order. */
    public List<float[]> embed(List<String> texts) {
        List<TextSegment> segments = texts.stream().map(text -> TextSegment.from(text.isBlank() ? "." : text)).toList();
        List<Embedding> embeddings = model.embedAll(segments).content();
        List<float[]> out = new ArrayList<>(embeddings.size());
        for (Embedding embedding : embeddings) {
            out.add(normalised(embedding.vector()));
        }
        return out;
    }

    /** The text's score on {@code dimension} (see the class comment); 0 when the constitution has no such principle. */
    public double score(float[] text, Dimension dimension) {
        double total = 0;
        double weights = 0;
        for (int i = 0; i < constitution.principles().size(); i++) {
            Principle principle = constitution.principles().get(i);
            if (principle.dimension() != dimension) {
                continue;
            }
            double similarity = dot(text, asks.get(i)) - (forbids.get(i) == null ? 0 : dot(text, forbids.get(i)));
            total += principle.weight() * similarity;
            weights += principle.weight();
        }
        return weights == 0 ? 0 : total / weights;
    }

    private static float[] normalised(float[] vector) {
        double norm = 0;
        for (float v : vector) {
            norm += v * v;
        }
        norm = Math.sqrt(norm);
        float[] out = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            out[i] = (float) (norm == 0 ? 0 : vector[i] / norm);
        }
        return out;
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
