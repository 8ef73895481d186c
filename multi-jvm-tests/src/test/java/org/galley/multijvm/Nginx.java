package org.galley.multijvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.galley.testsupport.DebianPackages;

/**
 * Debian's nginx run by the test in the foreground, wholly inside a directory of the build: the
 * shipped sample {@code ops/nginx/galley.conf} with its example addresses, port and certificate
 * replaced, inside a minimal main configuration whose pid, logs and temporary files stay here.
 */
final class Nginx implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/sbin/nginx");
  static final Path SAMPLE = Path.of("..", "ops", "nginx", "galley.conf");

  private final Process process;
  final Path dir;

  private Nginx(Process process, Path dir) {
    this.process = process;
    this.dir = dir;
  }

  /** Starts nginx on {@code port} with TLS from {@code cert}/{@code key}, proxying to the given web ports. */
  static Nginx start(Path dir, int port, Path cert, Path key, List<Integer> webPorts) throws Exception {
    DebianPackages.ensure("nginx", BINARY);
    Files.createDirectories(dir.resolve("logs"));
    String sample = Files.readString(SAMPLE);
    String site = sample
        .replace("server web1.example.org:8080", "server 127.0.0.1:" + webPorts.get(0))
        .replace("server web2.example.org:8080", "server 127.0.0.1:" + webPorts.get(1))
        .replace("listen 443 ssl;", "listen 127.0.0.1:" + port + " ssl;")
        .replace("/etc/galley/tls/cert.pem", cert.toString())
        .replace("/etc/galley/tls/key.pem", key.toString());
    if (site.equals(sample) || site.contains("example.org:8080") || site.contains("/etc/galley/tls")) {
      throw new AssertionError("the sample nginx config no longer has the lines this test replaces: " + SAMPLE);
    }
    Files.writeString(dir.resolve("galley-site.conf"), site);
    // As root, nginx's workers would switch to nobody, who cannot read the build's files.
    String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
    Files.writeString(dir.resolve("nginx.conf"), user + """
        daemon off;
        master_process on;
        worker_processes 1;
        pid %1$s/nginx.pid;
        error_log %1$s/logs/error.log info;
        events { worker_connections 512; }
        http {
          access_log %1$s/logs/access.log;
          client_body_temp_path %1$s/client_body;
          proxy_temp_path %1$s/proxy;
          fastcgi_temp_path %1$s/fastcgi;
          uwsgi_temp_path %1$s/uwsgi;
          scgi_temp_path %1$s/scgi;
          include %1$s/galley-site.conf;
        }
        """.formatted(dir));
    Process test = new ProcessBuilder(BINARY.toString(), "-t", "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
        "-e", "stderr").redirectErrorStream(true).start();
    String testOut = new String(test.getInputStream().readAllBytes());
    if (!test.waitFor(30, TimeUnit.SECONDS) || test.exitValue() != 0) {
      throw new AssertionError("nginx -t refused the config:\n" + testOut);
    }
    Process p = new ProcessBuilder(BINARY.toString(), "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
        "-e", dir.resolve("logs/error.log").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("logs/nginx.out").toFile()).start();
    return new Nginx(p, dir);
  }

  String errorLog() throws IOException {
    return Files.readString(dir.resolve("logs/error.log"));
  }

  @Override
  public void close() throws InterruptedException {
    // SIGTERM to the master: a fast shutdown of it and its workers.
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(20, TimeUnit.SECONDS);
    }
  }
}
