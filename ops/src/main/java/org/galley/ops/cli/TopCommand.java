package org.galley.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.galley.ops.cli.config.ProcessSet;

/**
 * {@code galley top}: the live terminal view operators know from uwsgitop. Every second it asks
 * the public API (admin key of the config) and redraws in place ({@link TopView}); {@code q} quits.
 * The terminal is put in character mode with {@code stty} for the keys and restored on exit.
 */
public final class TopCommand implements Command {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration EVERY = Duration.ofSeconds(1);
  /** Clears the screen and homes the cursor (ANSI), so every frame replaces the last. */
  private static final String HOME = "\033[H\033[2J";

  @Override
  public String name() {
    return "top";
  }

  @Override
  public String summary() {
    return "live view: handlers and slots, queue per pool, jobs/s (q quits)";
  }

  @Override
  public String usage() {
    return """
        usage: galley top [--config FILE]
          Redraws every second from the public API with the config's admin key: the job lock,
          each live handler (pools, workers, running, free slots, drained), new jobs per pool and
          jobs ended per second over the last 10 s (counts from one page of 500). q quits.
        """;
  }

  @Override
  public int run(Cli.Context context, List<String> args) throws Exception {
    Cli.noArgs(args);
    ProcessSet set = context.set();
    String saved = stty("-g");
    stty("-icanon", "-echo", "min", "0");
    try {
      loop(set.publicUrl(), set.adminKey(), System.in, System.out);
    } finally {
      stty(saved == null ? "sane" : saved.trim());
    }
    return 0;
  }

  /** Draws until {@code q} arrives on {@code keys} (public for the test against a real node). */
  public static void loop(String baseUrl, String key, InputStream keys, PrintStream out) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    while (true) {
      out.print(HOME + frame(http, baseUrl, key));
      out.flush();
      long until = System.nanoTime() + EVERY.toNanos();
      while (System.nanoTime() < until) {
        while (keys.available() > 0) {
          int c = keys.read();
          if (c == 'q' || c == 'Q' || c < 0) {
            out.println();
            return;
          }
        }
        Thread.sleep(50); // key polling: stdin in character mode has no timeout of its own
      }
    }
  }

  static String frame(HttpClient http, String baseUrl, String key) throws InterruptedException {
    try {
      JsonNode handlers = get(http, baseUrl + "/api/handlers", key);
      JsonNode lock = get(http, baseUrl + "/api/job_lock", key);
      JsonNode fresh = get(http, baseUrl + "/api/jobs?state=new&limit=" + TopView.PAGE, key);
      String since = URLEncoder.encode(Instant.now().minus(TopView.WINDOW).toString(), StandardCharsets.UTF_8);
      JsonNode ended = get(http, baseUrl + "/api/jobs?state=ok,error,deleted&order_by=update_time&date_range_min="
          + since + "&limit=" + TopView.PAGE, key);
      return TopView.render(Instant.now(), lock.path("active").asBoolean(), handlers, fresh, ended);
    } catch (IOException e) {
      return "galley top: the API at " + baseUrl + " does not answer (" + e.getMessage() + "); trying again\n";
    }
  }

  private static JsonNode get(HttpClient http, String url, String key) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("x-api-key", key)
        .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException(URI.create(url).getPath() + " answered " + r.statusCode());
    }
    return JSON.readTree(r.body());
  }

  /** Runs stty on the controlling terminal; its output, or null when there is no terminal. */
  private static String stty(String... args) {
    try {
      List<String> argv = new java.util.ArrayList<>(List.of("stty"));
      argv.addAll(List.of(args));
      Process p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/tty")))
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return p.waitFor() == 0 ? out : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
