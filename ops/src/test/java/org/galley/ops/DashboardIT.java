package org.galley.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.galley.core.testing.TestDatabase;
import org.galley.testsupport.DebianPackages;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard as a person uses it, in a real headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}, installed by the test when missing) against a real node: log in, see
 * the cluster's member with its roles and the handler, drain it (confirming), undrain it, watch a
 * submitted job go to {@code ok} and open it, then see its end and start in the activity charts,
 * with no error in the browser console. A screenshot of every view goes to
 * {@code target/screenshots/}; the first contentful paint is printed.
 */
class DashboardIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void anOperatorLogsInDrainsAHandlerAndWatchesAJob() throws Exception {
    DebianPackages.ensure(List.of("chromium", "chromium-driver"),
        () -> Files.isExecutable(Path.of("/usr/bin/chromium")) && Files.isExecutable(Path.of("/usr/bin/chromedriver")));
    Path shots = Files.createDirectories(Path.of("target/screenshots").toAbsolutePath());
    try (InProcessNode node = InProcessNode.start("dash-it", TestDatabase.freshUrl(), "")) {
      WebDriver browser = browser();
      try {
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        browser.get(node.api() + "/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("key")));
        Object paint = ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
            "const p = performance.getEntriesByName('first-contentful-paint')[0]; return p ? p.startTime : null;");
        System.out.println("dashboard first contentful paint: " + paint + " ms");
        shot(browser, shots, "1-login");

        browser.findElement(By.id("key")).sendKeys(InProcessNode.ADMIN_KEY);
        browser.findElement(By.cssSelector("#login button")).click();
        By handlerRow = By.cssSelector("#handlers tr[data-name='dash-it']");
        wait.until(ExpectedConditions.visibilityOfElementLocated(handlerRow));
        assertTrue(browser.getCurrentUrl().indexOf(InProcessNode.ADMIN_KEY) < 0, "the key is never in a URL");
        String member = "#members tr[data-name='dash-it'] ";
        wait.until(ExpectedConditions.textToBe(By.cssSelector(member + ".status"), "up"));
        wait.until(ExpectedConditions.textToBe(By.cssSelector(member + ".roles"), "handler, web"));
        wait.until(ExpectedConditions.textToBe(By.cssSelector(member + ".reachable"), "yes"));
        shot(browser, shots, "2-handlers");

        click(wait, By.cssSelector("#handlers tr[data-name='dash-it'] button"));
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(ExpectedConditions.textToBe(By.cssSelector("#handlers tr[data-name='dash-it'] .drained"), "yes"));
        shot(browser, shots, "3-drained");
        click(wait, By.cssSelector("#handlers tr[data-name='dash-it'] button"));
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(ExpectedConditions.textToBe(By.cssSelector("#handlers tr[data-name='dash-it'] .drained"), "no"));

        var submitted = InProcessNode.send("POST", node.api() + "/api/jobs",
            "{\"tool_id\": \"sort_lines\", \"inputs\": {\"text\": \"pear\\napple\"}}");
        assertEquals(201, submitted.statusCode(), submitted.body());
        String id = submitted.body().replaceAll("(?s).*?\"id\"\\s*:\\s*(\\d+).*", "$1");
        By jobState = By.cssSelector("#jobs tr[data-id='" + id + "'] .state");
        wait.until(ExpectedConditions.textToBe(jobState, "ok"));
        shot(browser, shots, "4-jobs");
        click(wait, By.cssSelector("#jobs tr[data-id='" + id + "']"));
        wait.until(ExpectedConditions.textToBe(By.id("detail-stdout"), "apple\npear"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("detail-metrics"), "Cores Allocated"));
        shot(browser, shots, "5-job-detail");

        // The activity charts: the job's end and its start (with its dispatch latency) reach a
        // sample of the web node's ring within one sampling interval (5 s).
        wait.until(d -> Double.parseDouble(d.findElement(By.id("throughput")).getAttribute("data-max")) > 0
            && Double.parseDouble(d.findElement(By.id("latency")).getAttribute("data-max")) > 0);
        assertTrue(browser.findElements(By.cssSelector("#throughput svg polyline.ended")).size() == 1);
        assertTrue(browser.findElement(By.cssSelector("#latency figcaption")).getText().contains("dispatch p50"));
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("document.getElementById('activity').scrollIntoView()");
        shot(browser, shots, "6-activity");

        List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
            .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertEquals(List.of(), errors.stream().map(LogEntry::getMessage).toList(), "errors in the browser console");
      } finally {
        browser.quit();
      }
    }
  }

  private static WebDriver browser() throws Exception {
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1280,1500",
        "--user-data-dir=" + Files.createTempDirectory(Path.of("target").toAbsolutePath(), "chromium-"));
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }

  /** Clicks what {@code by} finds; the page rebuilds its tables every second, so a row found may be replaced before the click. */
  private static void click(WebDriverWait wait, By by) {
    wait.until(d -> {
      try {
        d.findElement(by).click();
        return true;
      } catch (org.openqa.selenium.StaleElementReferenceException e) {
        return false;
      }
    });
  }

  private static void shot(WebDriver browser, Path dir, String name) throws Exception {
    Files.write(dir.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }
}
