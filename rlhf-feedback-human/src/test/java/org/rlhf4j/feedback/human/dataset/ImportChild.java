package org.rlhf4j.feedback.human.dataset;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import org.rlhf4j.api.annotation.AnnotationApp;
import org.rlhf4j.feedback.human.annotate.HumanAnnotationApp;

/** A child JVM (run with a small heap) that imports a dataset and prints what it wrote and its peak heap. */
public final class ImportChild {
    private ImportChild() {}

    public static void main(String[] args) {
        AnnotationApp.ImportResult result = new HumanAnnotationApp().importDataset(Path.of(args[0]), args[1], false, Path.of(args[2]));
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.println("written=" + result.written() + " skipped=" + result.skipped() + " peak_heap_bytes=" + peak
                + " max_heap_bytes=" + Runtime.getRuntime().maxMemory());
    }
}
