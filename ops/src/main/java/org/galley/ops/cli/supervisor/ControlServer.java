package org.galley.ops.cli.supervisor;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Executors;
import org.galley.ops.cli.config.ProcessSet;

/**
 * How the CLI reaches a running supervisor: a loopback HTTP endpoint whose port and token are in
 * STATE-DIR/run/supervisor.control (mode 600, so only the user who started it can send
 * commands). {@code POST /stop|/graceful|/update|/restart} run the operation and stream its
 * progress as text lines; the last line is {@code exit N}.
 */
final class ControlServer {
  /** An operation, writing its progress; throws to fail. */
  interface Operation {
    void run(PrintStream out) throws Exception;
  }

  static final String TOKEN_HEADER = "x-galley-control";

  private final HttpServer server;
  private final String token;

  ControlServer(ProcessSet set, Map<String, Operation> operations) throws IOException {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    token = HexFormat.of().formatHex(bytes);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    operations.forEach((name, op) -> server.createContext("/" + name, exchange -> handle(exchange, op)));
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "galley-control");
      t.setDaemon(true);
      return t;
    }));
    server.start();
    Path file = controlFile(set);
    Files.createDirectories(file.getParent());
    Path tmp = Files.createTempFile(file.getParent(), "supervisor.control.", ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, server.getAddress().getPort() + " " + token + " " + ProcessHandle.current().pid() + "\n",
        StandardCharsets.UTF_8);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  static Path controlFile(ProcessSet set) {
    return set.runDir().resolve("supervisor.control");
  }

  private void handle(HttpExchange exchange, Operation op) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod()) || !token.equals(exchange.getRequestHeaders().getFirst(TOKEN_HEADER))) {
        exchange.sendResponseHeaders(403, -1);
        return;
      }
      exchange.getResponseHeaders().set("content-type", "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(200, 0);
      OutputStream body = exchange.getResponseBody();
      PrintStream out = new PrintStream(new TeeStream(body, System.out), true, StandardCharsets.UTF_8);
      int exit = 0;
      try {
        op.run(out);
      } catch (Exception e) {
        out.println("galley: failed: " + e.getMessage());
        exit = 1;
      }
      out.flush();
      System.out.println("galley: " + exchange.getRequestURI().getPath().substring(1) + " ended, exit " + exit);
      body.write(("exit " + exit + "\n").getBytes(StandardCharsets.UTF_8));
      body.flush();
    }
  }

  /** Stops serving, after exchanges under way ended (at most 2 s). */
  void stop() {
    server.stop(2);
  }

  /** Progress goes both to the client and to the supervisor's own log. */
  private static final class TeeStream extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    TeeStream(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws IOException {
      b.write(c);
      try {
        a.write(c);
      } catch (IOException clientGone) {
        // the operation goes on when the CLI that asked for it is interrupted
      }
    }

    @Override
    public void write(byte[] buf, int off, int len) throws IOException {
      b.write(buf, off, len);
      try {
        a.write(buf, off, len);
      } catch (IOException clientGone) {
        // as above
      }
    }

    @Override
    public void flush() throws IOException {
      b.flush();
      try {
        a.flush();
      } catch (IOException clientGone) {
        // as above
      }
    }
  }
}
