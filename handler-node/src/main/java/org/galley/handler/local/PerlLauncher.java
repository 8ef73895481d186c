package org.galley.handler.local;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One long-lived perl process per JVM that starts the jobs of {@link LocalRunner}, so that a job
 * costs two fork(2)s of a small process and the exec(2) of the tool, instead of a JVM spawn
 * (jspawnhelper), setsid(1), sh(1) and the tool: four exec(2)s, each with its dynamic linking.
 *
 * <p>{@link #SCRIPT} is constant text; a request carries the job directory, the stdin file and the
 * tool's argv as length-prefixed byte strings, which reach exec(2) as they are: no shell parses
 * them. Per request the launcher forks a <em>leader</em> that does what the shell wrapper did:
 * setsid(), chdir to the job directory, stdin/stdout/stderr redirected, its pid in {@code pid};
 * only then is the job reported started, so its group exists before anyone may signal it. The
 * leader forks and execs the tool, waits for it, writes what the tool used ({@code usage}: CPU user
 * and system time and max RSS from getrusage(RUSAGE_CHILDREN), and the signal that ended it, see
 * {@link org.galley.handler.runner.ResourceUsage}) and {@code exit_code} with one write(2) each and
 * SIGKILLs its own group (whatever the job left running), like the wrapper. So the leader, a child
 * of the launcher, is the job's session and group leader and its external id; {@link LocalRecovery},
 * {@link AdoptedProcess} and the {@link OrphanWatchdog} see the same files and groups as before.
 *
 * <p>The launcher never blocks on one job: it watches, with select(2), its stdin and one pipe per
 * leader, which holds the write end (close-on-exec, so the tool never gets it). The leader writes
 * "ok" there once it leads its session; EOF means it is gone: the launcher reaps it and reports
 * its status (128 + signal if killed). It is in its own
 * session (no Ctrl-C), blocks in select(2) when idle, and exits when its stdin closes (the JVM is
 * gone): leaders do not need it to finish, and write their exit codes themselves. Should it die
 * while jobs run, their ends are watched through /proc instead, with no status.
 */
final class PerlLauncher {
  private static final Logger log = LoggerFactory.getLogger(PerlLauncher.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

  /** Constant program text. Requests on stdin: "TAG N\n" then N fields, each "LENGTH\n" + bytes. */
  static final String SCRIPT = """
      use strict; use warnings;
      # $ARGV[0]: the number of setsid(2) on this machine, or 0 to load POSIX (a bigger process to fork).
      # $ARGV[1]: the number of getrusage(2), or 0 where unknown (then perl's times: CPU only, no max RSS).
      my $setsid_nr = $ARGV[0] || 0; my $rusage_nr = $ARGV[1] || 0;
      if (!$setsid_nr) { require POSIX }
      sub setsid { $setsid_nr ? syscall($setsid_nr) : POSIX::setsid() }
      setsid();
      my %jobs; my $buf = '';
      sub reply { my $s = join(' ', @_) . "\n"; my $o = 0;
        while ($o < length $s) { my $n = syswrite(STDOUT, $s, length($s) - $o, $o); exit 0 unless $n; $o += $n } }
      sub status { my ($s) = @_; ($s & 127) ? 128 + ($s & 127) : ($s >> 8) }
      sub take { my $p = index($buf, "\n"); return () if $p < 0;
        my ($tag, $n) = split / /, substr($buf, 0, $p); $p++; my @f;
        for (1 .. $n) { my $e = index($buf, "\n", $p); return () if $e < 0;
          my $len = substr($buf, $p, $e - $p); $p = $e + 1; return () if length($buf) < $p + $len;
          push @f, substr($buf, $p, $len); $p += $len }
        substr($buf, 0, $p) = ''; return ($tag, @f) }
      sub finish { my ($code) = @_;
        if (open(my $f, '>', 'exit_code')) { if (syswrite($f, "$code\n")) { close $f; kill('KILL', -$$) } }
        exit $code }
      sub leader { my ($w, $dir, $in, @argv) = @_;
        (setsid() // -1) > 0 or return "setsid: $!";
        chdir($dir) or return "chdir $dir: $!";
        open(STDIN, '<', $in) or return "stdin $in: $!";
        open(STDOUT, '>', 'stdout') or return "stdout: $!";
        open(STDERR, '>', 'stderr') or return "stderr: $!";
        open(my $p, '>', 'pid') or return "pid: $!"; print $p "$$\n"; close($p) or return "pid: $!";
        syswrite($w, "ok\n");
        my $child = fork;
        if (!defined $child) { print STDERR "galley-job: fork: $!\n"; finish(126) }
        if ($child == 0) { close $w; { no warnings; exec { $argv[0] } @argv; }
          my $missing = $!{ENOENT}; print STDERR "galley-job: $argv[0]: ", ($missing ? 'not found' : "$!"), "\n";
          exit($missing ? 127 : 126) }
        waitpid($child, 0); my $st = $?;
        if (open(my $u, '>', 'usage')) { syswrite($u, join(' ', usage(), $st & 127) . "\n"); close $u }
        finish(status($st)) }
      # The waited-for children's CPU user and system seconds and largest max RSS (KB): struct rusage
      # starts with two struct timeval, then ru_maxrss (all longs on 64-bit Linux).
      sub usage { if ($rusage_nr) { my $b = chr(0) x 256;
          if (syscall($rusage_nr, -1, $b) == 0) { my @r = unpack('q5', $b);
            return (sprintf('%.6f', $r[0] + $r[1] / 1e6), sprintf('%.6f', $r[2] + $r[3] / 1e6), $r[4]) } }
        my @t = times; return ($t[2], $t[3], '-') }
      sub launch { my ($tag, @f) = @_; my ($r, $w);
        pipe($r, $w) or return reply('failed', $tag, "pipe: $!");
        my $pid = fork;
        if (!defined $pid) { close $r; close $w; return reply('failed', $tag, "fork: $!") }
        if ($pid == 0) { close $r; my $err = leader($w, @f); syswrite($w, "$err\n"); kill('KILL', $$) }
        close $w; $jobs{fileno $r} = [$r, $pid, $tag] }
      sub ready { my ($fd) = @_; my ($fh, $pid, $tag) = @{ $jobs{$fd} };
        my $got = sysread($fh, my $msg, 4096);
        if ($got && defined $tag && $msg eq "ok\n") { $jobs{$fd}[2] = undef; return reply('started', $tag, $pid) }
        return if $got && !defined $tag;
        delete $jobs{$fd}; close $fh; waitpid($pid, 0);
        return reply('exited', $pid, status($?)) unless defined $tag;
        $msg = 'the leader died before it started the tool' unless $got; $msg =~ s/\\s+/ /g;
        reply('failed', $tag, $msg) }
      while (1) {
        my $rin = ''; vec($rin, 0, 1) = 1; vec($rin, $_, 1) = 1 for keys %jobs;
        my $n = select(my $rout = $rin, undef, undef, undef);
        if ($n < 0) { next if $!{EINTR}; die "select: $!" }
        for my $fd (keys %jobs) { ready($fd) if vec($rout, $fd, 1) }
        if (vec($rout, 0, 1)) { exit 0 unless sysread(STDIN, $buf, 65536, length $buf);
          while (my ($tag, @f) = take()) { launch($tag, @f) } }
      }
      """;

  /** A started job: its leader's pid, and its status once it ended (null if the launcher died first). */
  record Started(long pid, CompletableFuture<Integer> exit) {}

  private static PerlLauncher shared;

  private final Process process;
  private final OutputStream requests;
  private final Map<Long, CompletableFuture<Started>> starting = new ConcurrentHashMap<>();
  private final Map<Long, CompletableFuture<Integer>> running = new ConcurrentHashMap<>();
  private final AtomicLong tags = new AtomicLong();
  private volatile boolean dead;

  private PerlLauncher(Process process) {
    this.process = process;
    this.requests = process.getOutputStream();
  }

  /** The JVM's launcher, started now if there is none or it died. */
  static synchronized PerlLauncher shared() throws IOException {
    if (shared == null || shared.dead) {
      shared = start();
    }
    return shared;
  }

  private static PerlLauncher start() throws IOException {
    ProcessBuilder pb = new ProcessBuilder("perl", "-e", SCRIPT, Integer.toString(setsidSyscall()),
        Integer.toString(getrusageSyscall()))
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().keySet().removeIf(name -> name.startsWith("GALLEY_"));
    PerlLauncher launcher = new PerlLauncher(pb.start());
    Thread reader = new Thread(launcher::readReplies, "galley-launcher-" + launcher.process.pid());
    reader.setDaemon(true);
    reader.start();
    log.info("job launcher started: perl process {}", launcher.process.pid());
    return launcher;
  }

  /**
   * The number of setsid(2) where it is known, so the launcher can do without perl's POSIX module:
   * without it a forked leader is a third smaller and much cheaper to fork. 0 elsewhere (POSIX then).
   */
  private static int setsidSyscall() {
    if (!"Linux".equals(System.getProperty("os.name"))) {
      return 0;
    }
    return switch (System.getProperty("os.arch")) {
      case "amd64", "x86_64" -> 112;
      case "aarch64" -> 157;
      default -> 0;
    };
  }

  /** The number of getrusage(2) on 64-bit Linux, where struct rusage is as the script reads it; 0 elsewhere. */
  static int getrusageSyscall() {
    if (!"Linux".equals(System.getProperty("os.name"))) {
      return 0;
    }
    return switch (System.getProperty("os.arch")) {
      case "amd64", "x86_64" -> 98;
      case "aarch64" -> 165;
      default -> 0;
    };
  }

  long pid() {
    return process.pid();
  }

  /**
   * Starts {@code argv} in {@code dir} as a new session, stdin from {@code stdin}. Returns once the
   * leader leads its session and group. Blocks.
   *
   * @throws IOException if nothing was started (or the launcher is gone)
   */
  Started launch(Path dir, Path stdin, List<String> argv) throws IOException {
    long tag = tags.incrementAndGet();
    CompletableFuture<Started> reply = new CompletableFuture<>();
    starting.put(tag, reply);
    try {
      List<String> fields = new ArrayList<>(List.of(dir.toString(), stdin.toString()));
      fields.addAll(argv);
      byte[] request = encode(tag, fields);
      synchronized (requests) {
        if (dead) {
          throw new IOException("the job launcher (perl) is gone");
        }
        requests.write(request);
        requests.flush();
      }
      return reply.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IOException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("the job launcher did not answer within " + START_TIMEOUT.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting a job", e);
    } finally {
      starting.remove(tag);
    }
  }

  static byte[] encode(long tag, List<String> fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.writeBytes((tag + " " + fields.size() + "\n").getBytes(StandardCharsets.US_ASCII));
    for (String f : fields) {
      byte[] b = f.getBytes(StandardCharsets.UTF_8);
      out.writeBytes((b.length + "\n").getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(b);
    }
    return out.toByteArray();
  }

  private void readReplies() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        String[] f = line.split(" ", 3);
        switch (f[0]) {
          case "started" -> started(Long.parseLong(f[1]), Long.parseLong(f[2]));
          case "failed" -> {
            CompletableFuture<Started> reply = starting.get(Long.parseLong(f[1]));
            if (reply != null) {
              reply.completeExceptionally(new IOException(f.length > 2 ? f[2] : "failed"));
            }
          }
          case "exited" -> {
            CompletableFuture<Integer> exit = running.remove(Long.parseLong(f[1]));
            if (exit != null) {
              exit.complete(Integer.parseInt(f[2]));
            }
          }
          default -> log.warn("job launcher said something unexpected: {}", line);
        }
      }
    } catch (IOException | RuntimeException e) {
      log.warn("reading the job launcher's replies failed: {}", e.toString());
    }
    died();
  }

  private void started(long tag, long pid) {
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    running.put(pid, exit);
    CompletableFuture<Started> reply = starting.get(tag);
    if (reply == null || !reply.complete(new Started(pid, exit))) {
      // Its start timed out: nobody knows of it, so it may not run.
      log.warn("job process group {} started after its start was given up; killed it", pid);
      ProcessGroups.signal(pid, "KILL");
    }
  }

  /** Its running jobs are watched through /proc from now on; the next start starts a new launcher. */
  private void died() {
    synchronized (requests) {
      dead = true;
    }
    process.destroyForcibly();
    starting.values().forEach(r -> r.completeExceptionally(new IOException("the job launcher (perl) died")));
    if (!running.isEmpty()) {
      log.warn("the job launcher died with {} jobs running; watching them through /proc", running.size());
    }
    running.forEach((pid, exit) -> ProcessIdentity.of(pid).ifPresentOrElse(
        leader -> watchWithoutLauncher(leader, exit), () -> exit.complete(null)));
    running.clear();
  }

  private static void watchWithoutLauncher(ProcessIdentity leader, CompletableFuture<Integer> exit) {
    if (!leader.alive()) {
      exit.complete(null);
      return;
    }
    CompletableFuture.delayedExecutor(AdoptedProcess.POLL_MILLIS, TimeUnit.MILLISECONDS)
        .execute(() -> watchWithoutLauncher(leader, exit));
  }
}
