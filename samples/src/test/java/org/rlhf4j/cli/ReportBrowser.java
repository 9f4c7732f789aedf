package org.rlhf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A report.html in Debian's headless chromium, driven by Selenium through Debian's chromedriver (nothing downloaded):
 * the page loads, every chart loads at the report's width, nothing overflows horizontally at a desktop and a phone
 * width, and a screenshot of the whole page is written to look at.
 */
final class ReportBrowser implements AutoCloseable {
    static final String CHROMIUM = System.getProperty("rlhf4j.chromium", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getProperty("rlhf4j.chromedriver", "/usr/bin/chromedriver");

    /** Selenium warns that it has no DevTools binding for this chromium's version; the tests do not use DevTools. */
    private static final java.util.logging.Logger DEVTOOLS = java.util.logging.Logger.getLogger("org.openqa.selenium.devtools");

    static {
        DEVTOOLS.setLevel(java.util.logging.Level.SEVERE);
    }

    private final WebDriver browser;

    /** Opens {@code report} in a fresh headless chromium whose profile lives in {@code profile}. */
    ReportBrowser(Path report, Path profile) {
        for (String binary : new String[] {CHROMIUM, CHROMEDRIVER}) {
            assertTrue(Files.isExecutable(Path.of(binary)), binary + " is missing: this test needs Debian's chromium and "
                    + "chromium-driver (apt-get install -y chromium chromium-driver; .ci/run installs them)");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
                "--user-data-dir=" + profile, "--window-size=1100,900");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.get(report.toUri().toString());
        // get() returns once the page is loaded; under heavy load chromedriver has returned at "interactive", with the
        // charts still loading: wait (at most 60 s) for the load to complete
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!"complete".equals(js().executeScript("return document.readyState")) && System.nanoTime() < deadline) {
            sleep(100);
        }
        assertEquals("complete", js().executeScript("return document.readyState"));
    }

    WebDriver driver() {
        return browser;
    }

    JavascriptExecutor js() {
        return (JavascriptExecutor) browser;
    }

    /** Every image on the page loaded, {@code charts} of them, each 880 pixels wide. */
    void assertChartsLoaded(int charts) {
        @SuppressWarnings("unchecked")
        List<Object> widths = (List<Object>) js().executeScript(
                "return Array.from(document.images).map(i => i.complete ? i.naturalWidth : -1)");
        assertEquals(charts, widths.size());
        for (Object width : widths) {
            assertEquals(880L, width, "every chart loaded: " + widths);
        }
    }

    /** No horizontal scrolling of the page at 1100 and 480 pixels (wide tables scroll inside their own box). */
    void assertNothingOverflows() {
        for (int width : new int[] {1100, 480}) {
            browser.manage().window().setSize(new Dimension(width, 900));
            List<?> sizes = (List<?>) js().executeScript("return [document.documentElement.scrollWidth, window.innerWidth]");
            assertTrue(((Number) sizes.get(0)).longValue() <= ((Number) sizes.get(1)).longValue(),
                    "horizontal overflow at window width " + width + ": " + sizes);
        }
    }

    /** A screenshot of the whole page at 1100 pixels, written to {@code file}; returns its height. */
    int screenshot(Path file) throws IOException {
        long height = ((Number) js().executeScript("return document.documentElement.scrollHeight")).longValue();
        browser.manage().window().setSize(new Dimension(1100, (int) Math.min(height + 150, 16_000)));
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        BufferedImage screenshot = ImageIO.read(new ByteArrayInputStream(png));
        Files.write(Files.createDirectories(file.toAbsolutePath().getParent()).resolve(file.getFileName()), png);
        return screenshot.getHeight();
    }

    @Override
    public void close() {
        browser.quit();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
