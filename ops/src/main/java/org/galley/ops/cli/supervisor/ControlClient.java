package org.galley.ops.cli.supervisor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import org.galley.ops.cli.config.ProcessSet;

/** The CLI's side of {@link ControlServer}: sends an operation and prints its progress. */
public final class ControlClient {
  private final String url;
  private final String token;
  public final long pid;

  private ControlClient(String url, String token, long pid) {
    this.url = url;
    this.token = token;
    this.pid = pid;
  }

  /** The running supervisor of the set, if there is one. */
  public static Optional<ControlClient> find(ProcessSet set) {
    try {
      String[] p = Files.readString(ControlServer.controlFile(set), StandardCharsets.UTF_8).trim().split(" ");
      long pid = Long.parseLong(p[2]);
      if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
        return Optional.of(new ControlClient("http://127.0.0.1:" + p[0], p[1], pid));
      }
    } catch (IOException | RuntimeException e) {
      // no file or a stale one: no supervisor
    }
    return Optional.empty();
  }

  /** Runs the operation and copies its progress to stdout; returns its exit code. */
  public int run(String operation) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(url + "/" + operation))
        .header(ControlServer.TOKEN_HEADER, token).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    if (r.statusCode() != 200) {
      System.err.println("galley: the supervisor refused " + operation + " (" + r.statusCode() + ")");
      return 1;
    }
    int exit = 1;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith("exit ")) {
          exit = Integer.parseInt(line.substring(5).trim());
        } else {
          System.out.println(line);
        }
      }
    } catch (IOException e) {
      if (!"stop".equals(operation)) {
        throw e;
      }
      exit = 0; // the supervisor exits at the end of a stop, possibly before the last line arrives
    }
    return exit;
  }
}
