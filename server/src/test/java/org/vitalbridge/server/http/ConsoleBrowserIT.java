package org.vitalbridge.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.vitalbridge.server.Engine;
import org.vitalbridge.server.config.ConfigLoader;

/**
 * The console in a real browser (Debian's chromium, headless) against the engine as {@code run}
 * wires it: a device publishes over MQTT 5 and its bed's tile shows the value; a payload sent to a
 * template not yet installed waits in Quarantine, the template is installed, Reprocess is pressed
 * and the entry leaves the list. Screenshots go to {@code target/console-*.png}. Without chromium
 * the test is skipped with a message, except under {@code CI=true}, where it fails.
 */
class ConsoleBrowserIT {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SHOTS = Path.of("target");
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;

  @Test
  void aPublishedVitalAppearsLiveAndAFixedRejectionIsReprocessedFromTheConsole() throws Exception {
    requireChromium();
    Path templates = tmp.resolve("templates");
    Files.createDirectories(templates);
    try (var files = Files.list(ApiFixture.TEMPLATES)) {
      for (Path f : files.toList()) {
        Files.copy(f, templates.resolve(f.getFileName()));
      }
    }
    StringBuilder shown = new StringBuilder();
    try (Engine engine =
            Engine.start(
                ConfigLoader.load(null, env(templates)), Clock.systemUTC(), shown::append);
        Browser browser = Browser.start()) {
      int mqttPort = engine.mqttPort();
      WebDriver d = browser.driver;
      WebDriverWait wait = new WebDriverWait(d, WAIT);
      String base = "http://127.0.0.1:" + engine.httpPort();
      d.get(base + "/");
      wait.until(ExpectedConditions.urlContains("/console/"));
      // auth.mode local (the default): sign in with the admin token shown once at first start.
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("signin")));
      shoot(d, "console-signin");
      d.findElement(By.id("token"))
          .sendKeys(org.vitalbridge.server.ShownTokens.admin(shown.toString()));
      d.findElement(By.cssSelector("#signin button[type='submit']")).click();
      wait.until(ExpectedConditions.textToBe(By.id("connection"), "live"));

      // Live: heart rate and SpO2 of bed ICU-3 over the last minute, newest 72 / 96.
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      int[] rates = {68, 70, 75, 71, 72};
      for (int i = 0; i < rates.length; i++) {
        publish(
            mqttPort,
            "devices/ACME-0042/acme-bedside",
            ApiFixture.acme(
                "ACME-0042",
                "ICU-3",
                now.minusSeconds(10L * (rates.length - 1 - i)),
                "\"hr\":" + rates[i] + ",\"spo2\":" + (95 + i % 3)));
      }
      By tile = By.cssSelector("[data-bed='ICU-3']");
      wait.until(ExpectedConditions.textMatches(tile, java.util.regex.Pattern.compile("\\b72\\b")));
      WebElement t = d.findElement(tile);
      assertThat(t.getText()).contains("ACME-0042").contains("HR").contains("72").contains("96");
      assertThat(t.findElements(By.cssSelector("svg polyline"))).hasSize(1);
      shoot(d, "console-live");

      // Devices page.
      d.findElement(By.cssSelector("nav a[href='#devices']")).click();
      wait.until(
          ExpectedConditions.visibilityOfElementLocated(
              By.cssSelector("[data-device='ACME-0042']")));
      shoot(d, "console-devices");

      // Quarantine: a payload for a template that is not installed yet.
      publish(
          mqttPort, "devices/ACME-0099/acme-v9", ApiFixture.acmeVitals("ACME-0099", "ICU-9", now));
      d.findElement(By.cssSelector("nav a[href='#quarantine']")).click();
      By row = By.cssSelector("#quarantine-table tbody tr");
      wait.until(ExpectedConditions.numberOfElementsToBe(row, 1));
      WebElement entry = d.findElement(row);
      assertThat(entry.getText()).contains("no-template");
      entry.findElement(By.xpath(".//button[text()='View']")).click();
      wait.until(
          ExpectedConditions.textToBePresentInElementLocated(By.id("raw-payload"), "ACME-0099"));
      shoot(d, "console-quarantine");

      // The fix: install the template, then reprocess from the console (keyboard: Enter on it).
      String acme = Files.readString(ApiFixture.TEMPLATES.resolve("10-acme-bedside.yaml"));
      Path fixed = tmp.resolve("90-acme-v9.yaml");
      Files.writeString(fixed, acme.replaceFirst("(?m)^template:\\s*\\S+", "template: acme-v9"));
      Files.move(fixed, templates.resolve("90-acme-v9.yaml"), StandardCopyOption.ATOMIC_MOVE);
      d.findElement(By.id("raw-close")).click();
      WebElement reprocess =
          d.findElement(row).findElement(By.xpath(".//button[text()='Reprocess']"));
      reprocess.sendKeys(org.openqa.selenium.Keys.ENTER);
      wait.until(ExpectedConditions.numberOfElementsToBe(row, 0));
      wait.until(
          ExpectedConditions.textToBePresentInElementLocated(By.id("announcer"), "accepted"));
      assertThat(d.findElement(By.id("quarantine-empty")).isDisplayed()).isTrue();
      shoot(d, "console-quarantine-reprocessed");

      // Flow page, and the reprocessed bed's tile on a nurse-station sized screen.
      d.findElement(By.cssSelector("nav a[href='#flow']")).click();
      wait.until(
          ExpectedConditions.visibilityOfElementLocated(
              By.cssSelector("#adapters-table tbody tr")));
      shoot(d, "console-flow");
      d.manage().window().setSize(new Dimension(1920, 1080));
      d.findElement(By.cssSelector("nav a[href='#live']")).click();
      wait.until(
          ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-bed='ICU-9']")));
      shoot(d, "console-live-1080p");
    }
  }

  /** Skips with a visible reason, or fails under CI=true, when the browser is not installed. */
  static void requireChromium() {
    if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
      return;
    }
    String why =
        "ConsoleBrowserIT needs "
            + CHROMIUM
            + " and "
            + CHROMEDRIVER
            + ": apt-get install -y chromium chromium-driver";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(why + " (required under CI=true)");
    }
    System.out.println("SKIPPED: " + why);
    Assumptions.abort(why);
  }

  /** Headless chromium through the given driver: Selenium Manager never downloads anything. */
  private record Browser(WebDriver driver) implements AutoCloseable {
    static Browser start() {
      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM.toFile());
      options.addArguments(
          "--headless=new",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-background-networking",
          "--disable-component-update",
          "--no-first-run",
          "--window-size=1366,900");
      ChromeDriverService service =
          new ChromeDriverService.Builder()
              .usingDriverExecutable(CHROMEDRIVER.toFile())
              .usingAnyFreePort()
              .build();
      return new Browser(new ChromeDriver(service, options));
    }

    @Override
    public void close() {
      driver.quit();
    }
  }

  private static void shoot(WebDriver d, String name) throws IOException {
    Files.createDirectories(SHOTS);
    byte[] png = ((TakesScreenshot) d).getScreenshotAs(OutputType.BYTES);
    Files.write(SHOTS.resolve(name + ".png"), png);
  }

  private Map<String, String> env(Path templates) {
    Map<String, String> env = new HashMap<>();
    env.put("VITALBRIDGE_STORE_SQLITEFILE", tmp.resolve("vb.db").toString());
    env.put("VITALBRIDGE_TEMPLATES", templates.toString());
    env.put("VITALBRIDGE_HTTP_PORT", "0");
    env.put("VITALBRIDGE_HL7_MLLP_PORT", "0");
    env.put("VITALBRIDGE_MQTT_EMBEDDED_PORT", "0");
    return env;
  }

  private static void publish(int port, String topic, String payload) {
    Mqtt5BlockingClient device =
        Mqtt5Client.builder()
            .identifier("console-it-" + System.nanoTime())
            .serverHost("127.0.0.1")
            .serverPort(port)
            .buildBlocking();
    device.connect();
    try {
      device
          .publishWith()
          .topic(topic)
          .qos(MqttQos.AT_LEAST_ONCE)
          .payload(ApiFixture.utf8(payload))
          .send();
    } catch (Mqtt5PubAckException refused) {
      // The endpoint refuses what it quarantined (here: no such template) with a reason code;
      // the payload is kept all the same, which is what the console shows.
      assertThat(refused.getMqttMessage().getReasonCode().isError()).isTrue();
    } finally {
      device.disconnect();
    }
  }
}
