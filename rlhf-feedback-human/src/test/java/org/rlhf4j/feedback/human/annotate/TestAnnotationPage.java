package org.rlhf4j.feedback.human.annotate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.rlhf4j.api.feedback.Choice;

/**
 * The page in a real headless browser ({@link Chromium}): clicks and keyboard shortcuts become stored labels; an
 * annotator labels, undoes, relabels, revisits, changes and withdraws; the lead's dashboard shows the counts and
 * kappas of a prepared store (computed by hand below); the page works over HTTPS; a response holding
 * {@code <script>} and an {@code onerror} image shows as text and runs nothing. Each page's screenshot is left in
 * {@code target/screenshots/}.
 */
class TestAnnotationPage {
    static final String HOSTILE = "<script>document.title = 'pwned'; window.pwned = true;</script>"
            + "<img src=x onerror=\"window.pwned = true\"> & \u00e9t\u00e9 \ud83d\ude00";

    @TempDir
    Path directory;

    @Test
    void aClickAndTheKeyboardBecomeStoredLabelsAndAScriptIsShownNotRun() throws Exception {
        AnnotationStore store = AnnotationStore.open(directory.resolve("store"));
        String token = store.issueToken("carol", Role.ANNOTATOR);
        store.addPairs(List.of(new Pair("hostile", "Tell me something </pre><b>bold</b>", HOSTILE, "A plain answer."),
                new Pair("second", "Name a colour", "Blue", "Loud")));
        try (AnnotationServer server = AnnotationServer.start(store, "127.0.0.1", 0);
             Chromium browser = Chromium.start(directory.resolve("profile"))) {
            browser.driver.get("http://127.0.0.1:" + server.port() + "/#token=" + token);
            browser.await(() -> "hostile".equals(browser.find("labelling").getDomAttribute("data-pair-id")), "the first pair");

            // the hostile response is text: every character shown, nothing parsed, nothing run
            assertEquals(HOSTILE, browser.text("response-a"));
            assertEquals("Tell me something </pre><b>bold</b>", browser.text("prompt"));
            assertTrue(browser.driver.findElements(By.cssSelector("#response-a *, #prompt *")).isEmpty(), "no element was parsed");
            assertEquals("rlhf4j annotate", browser.driver.getTitle());
            assertEquals(Boolean.FALSE, ((JavascriptExecutor) browser.driver).executeScript("return window.pwned === true"));
            assertFalse(browser.driver.getCurrentUrl().contains(token), "the token leaves the address bar");
            assertEquals("0 of 2 labelled", browser.text("progress"));

            // a click for "better", the keyboard for the rest, and an explanation typed in
            browser.driver.findElement(By.cssSelector("fieldset[data-field=better] button[data-value=B]")).click();
            new Actions(browser.driver).sendKeys("w").sendKeys("z").sendKeys("s").sendKeys("/").perform();
            new Actions(browser.driver).sendKeys("A has markup in it").perform();
            new Actions(browser.driver).sendKeys(Keys.ESCAPE).sendKeys(Keys.ENTER).perform();
            browser.await(() -> "second".equals(browser.find("labelling").getDomAttribute("data-pair-id")), "the second pair");
            assertEquals("1 of 2 labelled", browser.text("progress"));

            // the second pair by keyboard alone
            new Actions(browser.driver).sendKeys("1").sendKeys("e").sendKeys("a").sendKeys("s").sendKeys(Keys.ENTER).perform();
            browser.await(() -> browser.find("done").isDisplayed(), "the done message");
            assertEquals("2 of 2 labelled", browser.text("progress"));
            assertFalse(browser.find("labelling").isDisplayed());
            browser.screenshot("annotator-done");

            Label first = store.label("carol", "hostile").orElseThrow();
            assertEquals(new Label("hostile", "carol", Choice.B, Choice.B, false, true, "A has markup in it", first.labelledAt()), first);
            Label second = store.label("carol", "second").orElseThrow();
            assertEquals(new Label("second", "carol", Choice.A, Choice.TIE, true, true, "", second.labelledAt()), second);
            assertEquals(2, store.labels().size());
        }
    }

    @Test
    void anAnnotatorLabelsUndoesRelabelsRevisitsChangesAndWithdraws() throws Exception {
        AnnotationStore store = AnnotationStore.open(directory.resolve("store"));
        String token = store.issueToken("carol", Role.ANNOTATOR);
        store.addPairs(List.of(new Pair("one", "Say hi", "Hello!", "Go away."), new Pair("two", "2+2?", "4", "5"),
                new Pair("three", "Name a colour", "Blue", "Loud")));
        try (AnnotationServer server = AnnotationServer.start(store, "127.0.0.1", 0);
             Chromium browser = Chromium.start(directory.resolve("profile"))) {
            browser.driver.get("http://127.0.0.1:" + server.port() + "/#token=" + token);
            awaitPair(browser, "one");
            assertEquals("Not labelled yet", browser.text("current-label"));
            assertEquals("Pair 1 of 3", browser.text("position"));
            keys(browser, "1", "q", "a", "s");
            assertPressed(browser, "better", "A");
            browser.screenshot("annotator-labelling");
            keys(browser, Keys.ENTER);
            awaitPair(browser, "two");
            assertEquals("1 of 3 labelled", browser.text("progress"));

            // undo: back to the first pair, unlabelled again
            keys(browser, "u");
            awaitPair(browser, "one");
            browser.await(() -> browser.text("notice").startsWith("Undone"), "the undo notice");
            assertEquals("Not labelled now (2 earlier changes in your history)", browser.text("current-label"));
            assertEquals("0 of 3 labelled", browser.text("progress"));
            assertTrue(store.label("carol", "one").isEmpty());

            // relabel it differently, with an explanation, then label the second pair
            keys(browser, "2", "w", "z", "x", "/");
            keys(browser, "changed after undo");
            keys(browser, Keys.ESCAPE, Keys.ENTER);
            awaitPair(browser, "two");
            keys(browser, "3", "e", "a", "s", Keys.ENTER);
            awaitPair(browser, "three");
            assertEquals("2 of 3 labelled", browser.text("progress"));

            // revisit the second pair: its label is shown and preselected; change it with a click
            keys(browser, Keys.ARROW_LEFT);
            awaitPair(browser, "two");
            assertEquals("Your label: better tie, more harmless tie, A safe, B safe", browser.text("current-label"));
            assertPressed(browser, "better", "tie");
            assertPressed(browser, "b_safe", "true");
            assertEquals("Pair 2 of 3", browser.text("position"));
            browser.screenshot("annotator-revisit");
            browser.driver.findElement(By.cssSelector("fieldset[data-field=better] button[data-value=B]")).click();
            browser.find("submit").click();
            awaitPair(browser, "three");
            assertEquals(Choice.B, store.label("carol", "two").orElseThrow().better());

            // back to the first pair, whose relabelled label shows, and withdraw it
            keys(browser, Keys.ARROW_LEFT);
            awaitPair(browser, "two");
            assertEquals("Your label: better B, more harmless tie, A safe, B safe (2 changes so far)", browser.text("current-label"));
            browser.find("previous").click();
            awaitPair(browser, "one");
            assertEquals("Your label: better B, more harmless B, A unsafe, B unsafe (3 changes so far)", browser.text("current-label"));
            assertEquals("changed after undo", browser.find("explanation").getDomProperty("value"));
            browser.find("withdraw").click();
            browser.await(() -> browser.text("current-label").startsWith("Not labelled now (4 earlier"), "the withdrawal");
            assertEquals("1 of 3 labelled", browser.text("progress"));
        }
        List<String> history = new ArrayList<>();
        try (AnnotationStore after = AnnotationStore.open(directory.resolve("store"))) {
            after.history().forEach(change -> history.add(change.action().name().toLowerCase(Locale.ROOT) + " " + change.pairId()));
            assertEquals(List.of("label one", "undo one", "label one", "label two", "label two", "withdraw one"), history);
            assertTrue(after.history().stream().allMatch(change -> change.author().equals("carol")));
            assertEquals(List.of("two"), after.labels().stream().map(Label::pairId).toList());
            assertEquals("changed after undo", after.history().get(2).label().orElseThrow().explanation());
        }
    }

    /**
     * A prepared store: annotators x, y and z label the four pairs (y first says B on q1, then changes it to A).
     * better: q1 A A A, q2 A B A, q3 B B B, q4 tie B A; more harmless: A A A on q1 to q3, q4 B B A.
     *
     * <ul>
     *   <li>Cohen, better: x-y p_o 1/2, p_e = .5(.25) + .25(.75) + .25(0) = .3125, kappa = .1875/.6875 = 3/11; x-z
     *       p_o 3/4, p_e = .5(.75) + .25(.25) = .4375, kappa = .3125/.5625 = 5/9; y-z p_o 1/2, p_e = .25(.75) + .75(.25)
     *       = .375, kappa = .125/.625 = 1/5.</li>
     *   <li>Fleiss, better: P_i = 1, 1/3, 1, 0 (mean 7/12); p = 6/12, 5/12, 1/12, P_e = 62/144; kappa = (84 - 62) / (144 - 62)
     *       = 22/82.</li>
     *   <li>more harmless: x-y agree everywhere (p_e = .75^2 + .25^2 = .625): kappa 1; x-z and y-z p_o 3/4 = p_e: 0;
     *       Fleiss P_i = 1, 1, 1, 1/3 (mean 5/6), p = 10/12, 2/12, P_e = 104/144: kappa (120 - 104) / (144 - 104) = 2/5.</li>
     *   <li>disagreement (1 - P_i on better): q4 1, q2 2/3.</li>
     * </ul>
     */
    @Test
    void theDashboardShowsTheCountsAndKappasOfAPreparedStore() throws Exception {
        AnnotationStore store = AnnotationStore.open(directory.resolve("store"));
        String lead = store.issueToken("lead", Role.ADMIN);
        for (String name : List.of("x", "y", "z")) {
            store.issueToken(name, Role.ANNOTATOR);
        }
        store.setAnnotatorsPerPair(3);
        store.addPairs(List.of(new Pair("q1", "Say hi", "Hello!", "Go away."), new Pair("q2", "2+2?", "4", "5"),
                new Pair("q3", "Name a colour", "Blue", "Loud"), new Pair("q4", "<b>Tell</b> me a joke", "No.", "Knock knock")));
        String[][] better = {{"A", "A", "A"}, {"A", "B", "A"}, {"B", "B", "B"}, {"TIE", "B", "A"}};
        String[][] harmless = {{"A", "A", "A"}, {"A", "A", "A"}, {"A", "A", "A"}, {"B", "B", "A"}};
        store.label(new Label("q1", "y", Choice.B, Choice.A, true, true, "", Instant.EPOCH), Optional.empty());
        for (int pair = 0; pair < 4; pair++) {
            for (int who = 0; who < 3; who++) {
                store.label(new Label("q" + (pair + 1), List.of("x", "y", "z").get(who), Choice.valueOf(better[pair][who]),
                        Choice.valueOf(harmless[pair][who]), true, true, "", Instant.EPOCH), Optional.empty());
            }
        }
        try (AnnotationServer server = AnnotationServer.start(store, "127.0.0.1", 0);
             Chromium browser = Chromium.start(directory.resolve("profile"))) {
            browser.driver.get("http://127.0.0.1:" + server.port() + "/#token=" + lead);
            browser.await(() -> browser.find("admin").getDomAttribute("data-loaded") != null, "the dashboard");
            assertEquals("lead (admin)", browser.text("who"));
            assertFalse(browser.find("pair-nav").isDisplayed(), "no annotator controls on the dashboard");
            assertFalse(browser.find("labelling").isDisplayed());
            assertEquals("4 pairs, 3 annotator(s) each; 12 current labels, 13 changes in the history", browser.text("admin-summary"));
            List<List<String>> progress = rows(browser, "admin-progress");
            assertEquals(List.of("x", "4", "4", "100%", "4"), progress.get(0).subList(0, 5));
            assertEquals(List.of("y", "4", "4", "100%", "5"), progress.get(1).subList(0, 5));
            assertEquals(List.of("z", "4", "4", "100%", "4"), progress.get(2).subList(0, 5));
            assertEquals("active", progress.get(2).get(6));
            assertEquals(List.of(List.of("better", kappa(22.0 / 82.0), "4"), List.of("more harmless", kappa(0.4), "4")),
                    rows(browser, "admin-fleiss"));
            assertEquals(List.of(List.of("x", "y", "4", kappa(3.0 / 11.0), kappa(1.0)),
                    List.of("x", "z", "4", kappa(5.0 / 9.0), kappa(0.0)),
                    List.of("y", "z", "4", kappa(0.2), kappa(0.0))), rows(browser, "admin-cohen"));
            assertEquals(List.of(List.of("q4", "<b>Tell</b> me a joke", "1", "1", "1", "1.000"),
                    List.of("q2", "2+2?", "2", "1", "0", kappa(2.0 / 3.0))), rows(browser, "admin-disagreements"));
            assertEquals("0.273", kappa(3.0 / 11.0), "the hand computation, printed as the page prints it");
            browser.screenshot("dashboard");
        }
    }

    @Test
    void thePageWorksOverHttps() throws Exception {
        TestKeystore keystore = TestKeystore.generate(directory);
        AnnotationStore store = AnnotationStore.open(directory.resolve("store"));
        String token = store.issueToken("dana", Role.ANNOTATOR);
        store.addPairs(List.of(new Pair("secure", "Say hi over TLS", "Hello!", "Go away.")));
        try (AnnotationServer server = AnnotationServer.start(store, ServerOptions.https("127.0.0.1", 0, keystore.tls()));
             Chromium browser = Chromium.start(directory.resolve("profile"),
                     "--ignore-certificate-errors-spki-list=" + keystore.spkiSha256())) {
            browser.driver.get("https://127.0.0.1:" + server.port() + "/#token=" + token);
            awaitPair(browser, "secure");
            assertTrue(browser.driver.getCurrentUrl().startsWith("https://127.0.0.1:"));
            assertEquals(Boolean.TRUE, ((JavascriptExecutor) browser.driver).executeScript("return window.isSecureContext"));
            keys(browser, "1", "q", "a", "s");
            browser.screenshot("annotator-https");
            keys(browser, Keys.ENTER);
            browser.await(() -> browser.find("done").isDisplayed(), "the done message");
            assertEquals(Choice.A, store.label("dana", "secure").orElseThrow().better());
        }
    }

    @Test
    void aBadTokenShowsTheLoginAndReadsNothing() throws Exception {
        AnnotationStore store = AnnotationStore.open(directory.resolve("store"));
        try (AnnotationServer server = AnnotationServer.start(store, "127.0.0.1", 0);
             Chromium browser = Chromium.start(directory.resolve("profile"))) {
            browser.driver.get("http://127.0.0.1:" + server.port() + "/#token=wrong");
            browser.await(() -> browser.find("login").isDisplayed(), "the login form");
            assertEquals("invalid token", browser.text("status"));
            assertEquals("", browser.text("response-a"));
            assertFalse(browser.find("pair-nav").isDisplayed());
            browser.screenshot("login-refused");
        }
    }

    private static String kappa(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }

    private static void awaitPair(Chromium browser, String id) {
        browser.await(() -> id.equals(browser.find("labelling").getDomAttribute("data-pair-id"))
                && browser.find("labelling").isDisplayed(), "pair " + id);
    }

    private static void keys(Chromium browser, CharSequence... keys) {
        Actions actions = new Actions(browser.driver);
        for (CharSequence key : keys) {
            actions.sendKeys(key);
        }
        actions.perform();
    }

    private static void assertPressed(Chromium browser, String field, String value) {
        WebElement button = browser.driver.findElement(By.cssSelector("fieldset[data-field=" + field + "] button[data-value='" + value + "']"));
        assertEquals("true", button.getDomAttribute("aria-pressed"), field + " " + value);
    }

    private static List<List<String>> rows(Chromium browser, String table) {
        List<List<String>> rows = new ArrayList<>();
        for (WebElement row : browser.driver.findElements(By.cssSelector("#" + table + " tbody tr"))) {
            rows.add(row.findElements(By.tagName("td")).stream().map(WebElement::getText).toList());
        }
        return rows;
    }
}
