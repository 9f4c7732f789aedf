package org.rlhf4j.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documentation's links resolve: in README.md, every {@code docs/*.md} and bench/README.md, each Markdown link
 * or image {@code [text](target)} outside code that is not {@code http(s):} or {@code mailto:} names a file or
 * folder that exists (relative to the page), and its {@code #anchor}, on the same page or another, is the
 * GitHub-style anchor of one of that page's headings. README.md stays short (at most {@value #README_MAX_LINES}
 * lines). A failure names the page, the line and the link.
 *
 * <p>It reads the source tree only (no build output), so it runs alone with
 * {@code mvn -B -q -pl samples -am verify -Dtest=TestDocLinks -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class TestDocLinks {
    static final int README_MAX_LINES = 250;

    /** {@code [text](target)} or {@code ![alt](target)}, with an optional {@code "title"}. */
    private static final Pattern LINK = Pattern.compile("!?\\[([^\\]]*)]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1");

    static Path root;

    @BeforeAll
    static void locateTheRepository() {
        root = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath().getParent();
    }

    /** README.md, docs/*.md and bench/README.md. */
    static List<Path> pages(Path root) throws IOException {
        List<Path> pages = new ArrayList<>();
        pages.add(root.resolve("README.md"));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        pages.add(root.resolve("bench/README.md"));
        return pages;
    }

    @Test
    void everyLinkOfTheDocumentationResolves() throws IOException {
        List<String> broken = brokenLinks(root, pages(root));
        assertTrue(broken.isEmpty(), broken.size() + " broken link(s):\n" + String.join("\n", broken));
    }

    @Test
    void theReadmeIsShort() throws IOException {
        int lines = Files.readAllLines(root.resolve("README.md"), StandardCharsets.UTF_8).size();
        assertTrue(lines <= README_MAX_LINES, "README.md has " + lines + " lines, more than " + README_MAX_LINES
                + ": move the detail to a page under docs/ and link it");
    }

    @Test
    void anchorsAreGitHubs() {
        assertEquals("report-reporthtml-and-disclosurejson", slug("Report: `report.html` and `disclosure.json`"));
        assertEquals("the-main-job-samplesconfigscompareyaml", slug("The main job: `samples/configs/compare.yaml`"));
        assertEquals("overrides---set", slug("Overrides: `--set`"));
        assertEquals("the-team-leads-commands", slug("The team lead's commands"));
        assertEquals("ppo_lag-and-ppo", slug("ppo_lag and [PPO](ppo.md)"));
        assertEquals(List.of("shape-default", "figures", "shape-default-1", "shape-default-2"),
                List.copyOf(anchors(List.of("# Shape default", "## Figures", "#### shape default", "```", "# not a heading",
                        "```", "### Shape default"))));
    }

    @Test
    void aBrokenLinkIsNamedWithItsPageAndLine(@TempDir Path repo) throws IOException {
        Files.createDirectories(repo.resolve("docs"));
        Files.writeString(repo.resolve("docs/a.md"), """
                # A

                ## Known section

                [fine](#known-section) and [also fine](../README.md#readme) and [web](https://example.org/x#y)
                `[in code](missing.md)` and
                ```
                [in a fence](missing.md)
                ```
                [gone](missing.md), [no anchor](#unknown-section), ![picture](b.png)
                """);
        Files.writeString(repo.resolve("README.md"), "# README\n\n[page](docs/a.md#nowhere)\n");
        List<String> broken = brokenLinks(repo, List.of(repo.resolve("README.md"), repo.resolve("docs/a.md")));
        assertEquals(4, broken.size(), String.join("\n", broken));
        assertTrue(broken.get(0).startsWith("README.md:3: [page](docs/a.md#nowhere): no heading in docs/a.md has the anchor "
                + "#nowhere"), broken.get(0));
        assertTrue(broken.get(1).startsWith("docs/a.md:10: [gone](missing.md): docs/missing.md does not exist"), broken.get(1));
        assertTrue(broken.get(2).startsWith("docs/a.md:10: [no anchor](#unknown-section): no heading in docs/a.md has the "
                + "anchor #unknown-section"), broken.get(2));
        assertTrue(broken.get(3).startsWith("docs/a.md:10: ![picture](b.png): docs/b.png does not exist"), broken.get(3));
    }

    /** Every broken link of {@code pages}, as {@code page:line: link: why}. */
    static List<String> brokenLinks(Path root, List<Path> pages) throws IOException {
        Map<Path, Set<String>> anchorsByPage = new HashMap<>();
        List<String> broken = new ArrayList<>();
        for (Path page : pages) {
            List<String> lines = Files.readAllLines(page, StandardCharsets.UTF_8);
            boolean fenced = false;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (FENCE.matcher(line).find()) {
                    fenced = !fenced;
                    continue;
                }
                if (fenced) {
                    continue;
                }
                Matcher link = LINK.matcher(CODE_SPAN.matcher(line).replaceAll(""));
                while (link.find()) {
                    String problem = problem(root, page, link.group(2), anchorsByPage);
                    if (problem != null) {
                        broken.add(name(root, page) + ":" + (i + 1) + ": " + link.group() + ": " + problem);
                    }
                }
            }
        }
        return broken;
    }

    /** Why {@code target}, a link on {@code page}, does not resolve; null when it does. */
    private static String problem(Path root, Path page, String target, Map<Path, Set<String>> anchorsByPage)
            throws IOException {
        String lower = target.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("mailto:")) {
            return null;
        }
        int hash = target.indexOf('#');
        String file = URLDecoder.decode(hash < 0 ? target : target.substring(0, hash), StandardCharsets.UTF_8);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        if (!Files.exists(resolved)) {
            return name(root, resolved) + " does not exist";
        }
        if (anchor == null) {
            return null;
        }
        if (!resolved.getFileName().toString().endsWith(".md") || Files.isDirectory(resolved)) {
            return "an anchor on " + name(root, resolved) + ", which is not a Markdown page";
        }
        Set<String> anchors = anchorsByPage.get(resolved);
        if (anchors == null) {
            anchors = anchors(Files.readAllLines(resolved, StandardCharsets.UTF_8));
            anchorsByPage.put(resolved, anchors);
        }
        if (anchors.contains(URLDecoder.decode(anchor, StandardCharsets.UTF_8))) {
            return null;
        }
        return "no heading in " + name(root, resolved) + " has the anchor #" + anchor + " (its anchors: "
                + String.join(", ", anchors) + ")";
    }

    /** The GitHub anchors of a page's headings, in order: a repeated heading's gets -1, -2, ... */
    static Set<String> anchors(List<String> lines) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fenced = false;
        for (String line : lines) {
            if (FENCE.matcher(line).find()) {
                fenced = !fenced;
                continue;
            }
            Matcher heading = HEADING.matcher(line);
            if (fenced || !heading.matches()) {
                continue;
            }
            String slug = slug(heading.group(2));
            int count = seen.merge(slug, 1, Integer::sum);
            anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
        }
        return anchors;
    }

    /**
     * A heading's anchor as GitHub makes it: the text (a link's text for a link), lower case, without punctuation
     * other than '-' and '_', each space a '-'.
     */
    static String slug(String heading) {
        String text = LINK.matcher(heading).replaceAll("$1");
        return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{M}\\p{N}_\\- ]", "").replace(' ', '-');
    }

    private static String name(Path root, Path path) {
        return root.relativize(path).toString().replace('\\', '/');
    }
}
