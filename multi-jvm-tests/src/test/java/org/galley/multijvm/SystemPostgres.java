package org.galley.multijvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.galley.testsupport.DebianPackages;

/**
 * Debian's PostgreSQL 15 server (package {@code postgresql}) run by the tests, one per test JVM:
 * its own data directory under {@code target/}, its own port, password (SCRAM) authentication
 * only, run as the {@code postgres} OS user when the tests run as root (the server refuses root).
 * Each test gets a new database owned by the role {@value #ROLE}, which is no superuser and may
 * not create databases or roles: what Galley needs of an operator's server, and no more.
 */
final class SystemPostgres {
  static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
  static final String ROLE = "galley";
  private static SystemPostgres instance;

  private final Path dir;
  private final int port;
  private final String superPassword;
  private final String rolePassword;
  private final AtomicInteger databases = new AtomicInteger();

  private SystemPostgres(Path dir, int port, String superPassword, String rolePassword) {
    this.dir = dir;
    this.port = port;
    this.superPassword = superPassword;
    this.rolePassword = rolePassword;
  }

  static synchronized SystemPostgres get() throws Exception {
    if (instance == null) {
      instance = start();
    }
    return instance;
  }

  private static SystemPostgres start() throws Exception {
    DebianPackages.ensure("postgresql", BIN.resolve("initdb"));
    boolean root = "root".equals(System.getProperty("user.name"));
    // As root the server runs as user postgres, which must reach its directory: a clone under a
    // private folder (mktemp -d is mode 700) is not reachable, the system temp directory is.
    Path dir = root
        ? Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "galley-system-pg-")
        : Path.of("target", "system-pg-" + ProcessHandle.current().pid()).toAbsolutePath();
    Files.createDirectories(dir.resolve("sock"));
    String superPassword = secret();
    String rolePassword = secret();
    Path pwfile = dir.resolve("pwfile");
    Files.writeString(pwfile, superPassword + "\n");
    Files.setPosixFilePermissions(pwfile, PosixFilePermissions.fromString("rw-------"));
    if (root) {
      UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
      try (Stream<Path> all = Files.walk(dir)) {
        for (Path p : all.toList()) {
          Files.setOwner(p, users.lookupPrincipalByName("postgres"));
        }
      }
    }
    run(root, dir, List.of(BIN.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "postgres",
        "--pwfile=" + pwfile, "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C"));
    Files.delete(pwfile);
    int port = NodeProcess.freePort();
    run(root, dir, List.of(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
        "-l", dir.resolve("postgres.log").toString(), "-w", "-t", "120",
        "-o", "-p " + port + " -k " + dir.resolve("sock") + " -c listen_addresses=127.0.0.1 -c max_connections=300"
            + " -c synchronous_commit=off",
        "start"));
    SystemPostgres pg = new SystemPostgres(dir, port, superPassword, rolePassword);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        run(root, dir, List.of(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "fast",
            "-w", "stop"));
      } catch (Exception ignored) {
        // the JVM is going away; the next run uses another directory
      }
    }));
    try (Connection c = pg.superuser(); Statement st = c.createStatement()) {
      // SCRAM is PostgreSQL 15's default password_encryption; said here so the test does not depend on it.
      st.execute("SET password_encryption = 'scram-sha-256'");
      st.execute("CREATE ROLE " + ROLE + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '" + rolePassword + "'");
    }
    System.out.println("system PostgreSQL 15 on 127.0.0.1:" + port + ", data in " + dir.resolve("data"));
    return pg;
  }

  /** A new, empty database owned by {@value #ROLE}; nodes migrate it as that role. */
  ClusterDatabase createDatabase() throws Exception {
    String name = "galley_test_" + databases.incrementAndGet();
    try (Connection c = superuser(); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name + " OWNER " + ROLE);
    }
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/" + name;
    return new ClusterDatabase() {
      @Override
      public String url() {
        return url;
      }

      @Override
      public String user() {
        return ROLE;
      }

      @Override
      public String password() {
        return rolePassword;
      }

      @Override
      public void close() {
        // Kept for a look after the run; the server and its directory go with the test JVM's target/.
      }
    };
  }

  Connection superuser() throws Exception {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", superPassword);
  }

  private static String secret() {
    byte[] b = new byte[16];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static void run(boolean root, Path dir, List<String> command) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    if (root) {
      cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    cmd.addAll(command);
    Path out = dir.resolve("command.out");
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(out.toFile()).start();
    if (!p.waitFor(3, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", cmd) + " failed:\n" + Files.readString(out)
          + (Files.exists(dir.resolve("postgres.log")) ? Files.readString(dir.resolve("postgres.log")) : ""));
    }
  }
}
