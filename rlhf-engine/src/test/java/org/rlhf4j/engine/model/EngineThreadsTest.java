package org.rlhf4j.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineThreadsTest {
    private static EngineThreads.Settings resolve(Map<String, String> props, Map<String, String> env) {
        return EngineThreads.resolve(props::get, env::get);
    }

    @Test
    void oneThreadByDefaultThenOmpThenRlhfVariablesThenProperties() {
        assertEquals(new EngineThreads.Settings(1, 1), resolve(Map.of(), Map.of()));
        assertEquals(new EngineThreads.Settings(2, 2), resolve(Map.of(), Map.of("OMP_NUM_THREADS", "2")));
        assertEquals(new EngineThreads.Settings(1, 2), resolve(Map.of(), Map.of("OMP_NUM_THREADS", "4", "RLHF_THREADS", "1", "RLHF_BLAS_THREADS", "2")));
        assertEquals(new EngineThreads.Settings(3, 1),
                resolve(Map.of(EngineThreads.OPS_PROPERTY, "3", EngineThreads.BLAS_PROPERTY, "1"), Map.of("RLHF_THREADS", "2")));
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of(), Map.of("RLHF_THREADS", "0")));
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of(), Map.of("RLHF_BLAS_THREADS", "two")));
    }

    @Test
    void trainWorkersDefaultToTwoWhenTwoCoresAreFreeForOneThreadEach() {
        assertEquals(2, EngineThreads.resolveTrainWorkers(Map.<String, String>of()::get, Map.<String, String>of()::get, 2));
        assertEquals(2, EngineThreads.resolveTrainWorkers(Map.<String, String>of()::get, Map.<String, String>of()::get, 16));
        assertEquals(1, EngineThreads.resolveTrainWorkers(Map.<String, String>of()::get, Map.<String, String>of()::get, 1));
        // two BLAS threads per worker leave room for one worker on two cores
        assertEquals(1, EngineThreads.resolveTrainWorkers(Map.<String, String>of()::get, Map.of("RLHF_BLAS_THREADS", "2")::get, 2));
        assertEquals(1, EngineThreads.resolveTrainWorkers(Map.<String, String>of()::get, Map.of(EngineThreads.TRAIN_WORKERS_ENV, "1")::get, 2));
        assertEquals(3, EngineThreads.resolveTrainWorkers(Map.of(EngineThreads.TRAIN_WORKERS_PROPERTY, "3")::get,
                Map.of(EngineThreads.TRAIN_WORKERS_ENV, "1")::get, 2));
        assertThrows(IllegalArgumentException.class,
                () -> EngineThreads.resolveTrainWorkers(Map.<String, String>of()::get, Map.of(EngineThreads.TRAIN_WORKERS_ENV, "0")::get, 2));
    }
}
