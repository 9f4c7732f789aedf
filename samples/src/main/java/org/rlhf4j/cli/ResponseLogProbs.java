package org.rlhf4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.rlhf4j.api.io.MetricsLog;
import org.rlhf4j.engine.model.Nd4jForward;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.tokenizer.SequenceEncoder;
import org.rlhf4j.engine.tokenizer.Tokenizer;

/**
 * The engine's log-prob of every token of an arm's EVAL responses, as JSON Lines ({@code prompt}, {@code response},
 * {@code ids}: {@code <bos> prompt response <eos>} cut to the context as {@link SequenceEncoder} does,
 * {@code prompt_length}, {@code logprobs}: the log-prob of each id after the prompt given the ids before it): what
 * {@code bench/gpt2_reference.py compare} reproduces from an exported checkpoint.
 */
final class ResponseLogProbs {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ResponseLogProbs() {}

    static int write(TransformerWeights policy, Tokenizer tokenizer, Path samples, String arm, int limit, Path out) throws IOException {
        SequenceEncoder encoder = new SequenceEncoder(tokenizer, policy.config().maxSeqLen());
        int written = 0;
        Files.createDirectories(out.toAbsolutePath().getParent());
        try (Nd4jForward forward = new Nd4jForward(policy, 1);
                BufferedWriter writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            for (JsonNode line : MetricsLog.readLines(samples)) {
                if (written >= limit || !arm.equals(line.path("arm").asText())) {
                    continue;
                }
                String prompt = line.path("prompt").asText();
                String response = line.path("response").asText();
                SequenceEncoder.Encoded e = encoder.encode(prompt, response);
                int[] ids = e.tokens();
                float[] logp = forward.tokenLogProbs(new int[][] {Arrays.copyOf(ids, ids.length - 1)},
                        new int[][] {Arrays.copyOfRange(ids, 1, ids.length)})[0];
                ObjectNode node = JSON.createObjectNode();
                node.put("prompt", prompt);
                node.put("response", response);
                ArrayNode idNode = node.putArray("ids");
                Arrays.stream(ids).forEach(idNode::add);
                node.put("prompt_length", e.promptLength());
                ArrayNode lp = node.putArray("logprobs");
                for (int j = e.promptLength() - 1; j < logp.length; j++) {
                    lp.add(logp[j]);
                }
                writer.write(JSON.writeValueAsString(node));
                writer.write('\n');
                written++;
            }
        }
        if (written == 0) {
            throw new UsageException(samples + " has no samples of arm '" + arm + "'");
        }
        return written;
    }
}
