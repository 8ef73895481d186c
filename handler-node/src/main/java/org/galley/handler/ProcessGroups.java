package org.galley.handler;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signals whole process groups. Java can only signal single processes, and a job's grandchildren
 * may have outlived their parent (then they are nobody's descendants any more), so the group is
 * signalled with kill(1), which the kernel applies to every member at once.
 */
final class ProcessGroups {
  private static final Logger log = LoggerFactory.getLogger(ProcessGroups.class);

  private ProcessGroups() {}

  /**
   * Sends {@code signal} (a name such as TERM or KILL) to every process of group {@code pgid}.
   * Blocks while kill(1) runs. Returns whether some process got it.
   */
  static boolean signal(long pgid, String signal) {
    // kill -- -1 would signal every process we may signal, and 0 our own group: never.
    if (pgid <= 1) {
      throw new IllegalArgumentException("refusing to signal process group " + pgid);
    }
    ProcessBuilder pb = new ProcessBuilder("kill", "-s", signal, "--", "-" + pgid)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    try {
      Process kill = pb.start();
      if (!kill.waitFor(10, TimeUnit.SECONDS)) {
        kill.destroyForcibly();
        log.warn("kill -s {} -- -{} did not return within 10 s", signal, pgid);
        return false;
      }
      // 1 means no such group: it is gone already, which is what the caller wants.
      return kill.exitValue() == 0;
    } catch (IOException e) {
      log.error("could not run kill(1) to signal process group {}: {}", pgid, e.toString());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
