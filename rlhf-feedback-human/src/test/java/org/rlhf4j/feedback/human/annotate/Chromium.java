package org.rlhf4j.feedback.human.annotate;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless chromium driven through Debian's chromedriver (paths named explicitly: nothing is downloaded),
 * with a fresh profile and no background networking. {@code .ci/run} installs both when missing; without them the
 * tests that use this fail, saying so.
 */
final class Chromium implements AutoCloseable {
    static final String CHROMIUM = System.getProperty("rlhf4j.chromium", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getProperty("rlhf4j.chromedriver", "/usr/bin/chromedriver");
    /** Where the tests leave their screenshots. */
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    /** Selenium warns that it has no DevTools binding for this chromium's version; the tests do not use DevTools. */
    private static final java.util.logging.Logger DEVTOOLS = java.util.logging.Logger.getLogger("org.openqa.selenium.devtools");

    static {
        DEVTOOLS.setLevel(java.util.logging.Level.SEVERE);
    }

    final WebDriver driver;

    private Chromium(WebDriver driver) {
        this.driver = driver;
    }

    /** Starts chromium with a fresh profile in {@code profile}, and {@code extraArguments}. */
    static Chromium start(Path profile, String... extraArguments) {
        for (String binary : new String[] {CHROMIUM, CHROMEDRIVER}) {
            assertTrue(Files.isExecutable(Path.of(binary)), binary + " is missing: this test needs Debian's chromium and "
                    + "chromium-driver (apt-get install -y chromium chromium-driver; .ci/run installs them)");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        List<String> arguments = new ArrayList<>(List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,1024", "--user-data-dir=" + profile.toAbsolutePath()));
        arguments.addAll(List.of(extraArguments));
        options.addArguments(arguments);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        return new Chromium(driver);
    }

    WebElement find(String id) {
        return driver.findElement(By.id(id));
    }

    String text(String id) {
        return find(id).getText();
    }

    /** Waits up to 15 s for {@code condition}. */
    void await(BooleanSupplier condition, String what) {
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
        throw new AssertionError("the page never showed " + what + "; it shows: " + driver.findElement(By.tagName("body")).getText());
    }

    /** Saves a screenshot of the page as {@code target/screenshots/NAME.png}; returns its path. */
    Path screenshot(String name) throws IOException {
        File shot = ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.createDirectories(SCREENSHOTS);
        Path target = SCREENSHOTS.resolve(name + ".png");
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
