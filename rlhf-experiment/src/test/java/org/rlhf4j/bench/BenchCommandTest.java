package org.rlhf4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchCommandTest {

    private static String capture(Map<String, Object> report, boolean json) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BenchCommand.print(report, json, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static Map<String, Object> sampleReport(FakeHotPath good, HotPath broken) {
        return BenchCommand.measure(BenchShape.DEFAULT, new BenchRunner(3, good::now), List.of(good, broken),
                new MatmulReference(1024, 1));
    }

    private static HotPath broken() {
        return new HotPath() {
            @Override
            public String name() {
                return "generate_tokens_per_s";
            }

            @Override
            public String unit() {
                return "tokens/s";
            }

            @Override
            public void warmUp() {
                throw new IllegalStateException("no model");
            }

            @Override
            public long runOnce() {
                return 1;
            }
        };
    }

    @Test
    void jsonHasTheContractKeysAndParsesWithJackson() throws Exception {
        // 1536 tokens (batch 32 x 48) in 0.5 s, 0.25 s, 1 s -> 3072, 6144, 1536 tokens/s
        FakeHotPath train = new FakeHotPath(BenchKeys.TRAIN, 1536, 500_000_000L, 250_000_000L, 1_000_000_000L);
        Map<String, Object> report = sampleReport(train, broken());
        assertTrue(train.closed, "measure closes the paths");

        JsonNode json = new ObjectMapper().readTree(capture(report, true));
        assertTrue(json.path("backend").asText().matches("nd4j-\\d[^ ]* \\w+Backend"), json.path("backend").asText());
        assertTrue(json.path("omp_num_threads").asInt() >= 1);
        JsonNode model = json.path("model");
        assertEquals(1024, model.path("vocab").asInt());
        assertEquals(128, model.path("d_model").asInt());
        assertEquals(4, model.path("n_heads").asInt());
        assertEquals(2, model.path("n_layers").asInt());
        assertEquals(48, model.path("seq_len").asInt());
        assertEquals(32, model.path("batch").asInt());
        assertEquals(665_088, model.path("params").asLong());
        JsonNode t = json.path(BenchKeys.TRAIN);
        assertEquals(3072.0, t.path("median").asDouble(), 1e-6);
        assertEquals(1536.0, t.path("min").asDouble(), 1e-6);
        assertEquals(6144.0, t.path("max").asDouble(), 1e-6);
        assertEquals("tokens/s", t.path("unit").asText());
        JsonNode mm = json.path(BenchKeys.MATMUL);
        assertEquals("GFLOP/s", mm.path("unit").asText());
        assertTrue(mm.path("median").asDouble() > 0, mm.toString());
        assertEquals("java.lang.IllegalStateException: no model",
                json.path("generate_tokens_per_s").path("error").asText());
    }

    @Test
    void unknownShapeIsABadOption() {
        ByteArrayOutputStream notes = new ByteArrayOutputStream();
        int code = BenchCommand.run(new String[] {"--shapes", "default,huge"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(notes, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertTrue(notes.toString(StandardCharsets.UTF_8).contains("unknown shape huge"), notes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void tableListsEveryPath() {
        FakeHotPath train = new FakeHotPath(BenchKeys.TRAIN, 1000, 1_000_000_000L, 1_000_000_000L, 1_000_000_000L);
        String table = capture(sampleReport(train, broken()), false);
        assertTrue(table.contains("train_tokens_per_s"), table);
        assertTrue(table.contains("1,000.0"), table);
        assertTrue(table.contains("matmul_1024_gflops"), table);
        assertTrue(table.contains("generate_tokens_per_s        failed: java.lang.IllegalStateException: no model"), table);
    }

    @Test
    void providersAreDiscoveredWithServiceLoader() {
        ByteArrayOutputStream notes = new ByteArrayOutputStream();
        BenchShape shape = new BenchShape(77, 16, 2, 1, 8, 2, 2);
        List<HotPath> paths = BenchCommand.defaultHotPaths(shape, new PrintStream(notes, true, StandardCharsets.UTF_8));
        assertTrue(paths.stream().anyMatch(p -> p.name().equals("fake_77_tokens_per_s")),
                paths.stream().map(HotPath::name).toList().toString());
        paths.forEach(HotPath::close);
    }
}
