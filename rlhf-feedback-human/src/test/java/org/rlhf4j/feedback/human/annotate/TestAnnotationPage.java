package org.rlhf4j.feedback.human.annotate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.rlhf4j.api.feedback.Choice;

/**
 * The page in a real headless browser: Debian's chromium driven by Selenium through Debian's chromedriver (named
 * explicitly: nothing is downloaded). A click and keyboard shortcuts end up as stored labels, and a response
 * holding {@code <script>} and an {@code onerror} image shows as text and runs nothing. {@code .ci/run} installs
 * chromium and chromium-driver when missing; without them this test fails, saying so.
 */
class TestAnnotationPage {
    static final String CHROMIUM = System.getProperty("rlhf4j.chromium", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getProperty("rlhf4j.chromedriver", "/usr/bin/chromedriver");
    static final String HOSTILE = "<script>document.title = 'pwned'; window.pwned = true;</script>"
            + "<img src=x onerror=\"window.pwned = true\"> & \u00e9t\u00e9 \ud83d\ude00";

    /** Selenium warns that it has no DevTools binding for this chromium's version; the test does not use DevTools. */
    private static final java.util.logging.Logger DEVTOOLS = java.util.logging.Logger.getLogger("org.openqa.selenium.devtools");

    static {
        DEVTOOLS.setLevel(java.util.logging.Level.SEVERE);
    }

    @TempDir
    Path directory;

    private AnnotationServer server;
    private AnnotationStore store;
    private WebDriver browser;
    private String token;

    @BeforeEach
    void start() {
        for (String binary : new String[] {CHROMIUM, CHROMEDRIVER}) {
            assertTrue(Files.isExecutable(Path.of(binary)), binary + " is missing: this test needs Debian's chromium and "
                    + "chromium-driver (apt-get install -y chromium chromium-driver; .ci/run installs them)");
        }
        store = AnnotationStore.open(directory);
        token = store.issueToken("carol", Role.ANNOTATOR);
        store.addPairs(List.of(new Pair("hostile", "Tell me something </pre><b>bold</b>", HOSTILE, "A plain answer."),
                new Pair("second", "Name a colour", "Blue", "Loud")));
        server = AnnotationServer.start(store, "127.0.0.1", 0);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--no-first-run", "--user-data-dir=" + directory.resolve("profile"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        try {
            if (browser != null) {
                browser.quit();
            }
        }
        finally {
            server.close();
        }
    }

    @Test
    void aClickAndTheKeyboardBecomeStoredLabelsAndAScriptIsShownNotRun() {
        browser.get("http://127.0.0.1:" + server.port() + "/#token=" + token);
        await(() -> "hostile".equals(browser.findElement(By.id("labelling")).getDomAttribute("data-pair-id")), "the first pair");

        // the hostile response is text: every character shown, nothing parsed, nothing run
        assertEquals(HOSTILE, browser.findElement(By.id("response-a")).getText());
        assertEquals("Tell me something </pre><b>bold</b>", browser.findElement(By.id("prompt")).getText());
        assertTrue(browser.findElements(By.cssSelector("#response-a *, #prompt *")).isEmpty(), "no element was parsed");
        assertEquals("rlhf4j annotate", browser.getTitle());
        assertEquals(Boolean.FALSE, ((JavascriptExecutor) browser).executeScript("return window.pwned === true"));
        assertFalse(browser.getCurrentUrl().contains(token), "the token leaves the address bar");
        assertEquals("0 of 2 labelled", browser.findElement(By.id("progress")).getText());

        // a click for "better", the keyboard for the rest, and an explanation typed in
        browser.findElement(By.cssSelector("fieldset[data-field=better] button[data-value=B]")).click();
        new Actions(browser).sendKeys("w").sendKeys("z").sendKeys("s").sendKeys("/").perform();
        new Actions(browser).sendKeys("A has markup in it").perform();
        new Actions(browser).sendKeys(org.openqa.selenium.Keys.ESCAPE).sendKeys(org.openqa.selenium.Keys.ENTER).perform();
        await(() -> "second".equals(browser.findElement(By.id("labelling")).getDomAttribute("data-pair-id")), "the second pair");
        assertEquals("1 of 2 labelled", browser.findElement(By.id("progress")).getText());

        // the second pair by keyboard alone
        new Actions(browser).sendKeys("1").sendKeys("e").sendKeys("a").sendKeys("s").sendKeys(org.openqa.selenium.Keys.ENTER).perform();
        await(() -> browser.findElement(By.id("done")).isDisplayed(), "the done message");
        assertEquals("2 of 2 labelled", browser.findElement(By.id("progress")).getText());

        Label first = store.label("carol", "hostile").orElseThrow();
        assertEquals(Choice.B, first.better());
        assertEquals(Choice.B, first.moreHarmless());
        assertFalse(first.responseASafe());
        assertTrue(first.responseBSafe());
        assertEquals("A has markup in it", first.explanation());
        Label second = store.label("carol", "second").orElseThrow();
        assertEquals(Choice.A, second.better());
        assertEquals(Choice.TIE, second.moreHarmless());
        assertTrue(second.responseASafe() && second.responseBSafe());
        assertEquals("", second.explanation());
        assertEquals(2, store.labels().size());
    }

    @Test
    void aBadTokenShowsTheLoginAndReadsNothing() {
        browser.get("http://127.0.0.1:" + server.port() + "/#token=wrong");
        await(() -> browser.findElement(By.id("login")).isDisplayed(), "the login form");
        assertEquals("invalid token", browser.findElement(By.id("status")).getText());
        assertEquals("", browser.findElement(By.id("response-a")).getText());
    }

    private void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            }
            catch (RuntimeException e) {
                // not there yet
            }
            try {
                Thread.sleep(50);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("the page never showed " + what + "; it shows: " + browser.findElement(By.tagName("body")).getText());
    }
}
