package org.rlhf4j.feedback.human.annotate;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rlhf4j.api.annotation.AnnotationApp;
import org.rlhf4j.feedback.human.dataset.PreferenceFormat;
import org.rlhf4j.feedback.human.dataset.PreferenceImporter;
import org.rlhf4j.feedback.human.dataset.PreferenceImporter.OnMalformed;
import org.rlhf4j.feedback.human.dataset.PreferenceLinesWriter;

/** The annotation web app behind {@code rlhf annotate} (found by {@link java.util.ServiceLoader}). */
public final class HumanAnnotationApp implements AnnotationApp {
    @Override
    public Map<String, String> issueTokens(Path store, List<String> names, boolean admin) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("name at least one annotator to issue a token to");
        }
        Map<String, String> tokens = new LinkedHashMap<>();
        try (AnnotationStore opened = AnnotationStore.open(store)) {
            for (String name : names) {
                tokens.put(name, opened.issueToken(name, admin ? Role.ADMIN : Role.ANNOTATOR));
            }
        }
        return tokens;
    }

    @Override
    public int addPairs(Path store, Path pairsFile, Optional<Integer> annotatorsPerPair) {
        if (!Files.isRegularFile(pairsFile)) {
            throw new IllegalArgumentException("pairs file " + pairsFile + " is not a file");
        }
        List<Pair> pairs = PairsFile.read(pairsFile);
        try (AnnotationStore opened = AnnotationStore.open(store)) {
            annotatorsPerPair.ifPresent(opened::setAnnotatorsPerPair);
            return opened.addPairs(pairs);
        }
    }

    @Override
    public Server serve(Path store, String host, int port) {
        AnnotationStore opened = AnnotationStore.open(store);
        try {
            return AnnotationServer.start(opened, host, port);
        }
        catch (RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    @Override
    public long export(Path store, Path out, Path agreementOut) {
        if (!Files.isRegularFile(store.resolve(AnnotationStore.FILE))) {
            throw new IllegalArgumentException("no annotation store in " + store + " (it has no " + AnnotationStore.FILE + ")");
        }
        try (AnnotationStore opened = AnnotationStore.open(store)) {
            return AnnotationExport.export(opened, out, agreementOut);
        }
    }

    @Override
    public ImportResult importDataset(Path dataset, String format, boolean skipMalformed, Path out) {
        if (!Files.isRegularFile(dataset)) {
            throw new IllegalArgumentException("dataset " + dataset + " is not a file");
        }
        PreferenceImporter importer = new PreferenceImporter(PreferenceFormat.of(format),
                skipMalformed ? OnMalformed.SKIP : OnMalformed.ERROR);
        PreferenceImporter.Result result;
        try (PreferenceLinesWriter writer = new PreferenceLinesWriter(out)) {
            result = importer.read(dataset, label -> writer.write(label, JsonNodeFactory.instance.objectNode()
                    .put("source_line", label.line())));
            writer.finish();
        }
        return new ImportResult(result.imported(), result.skipped());
    }
}
