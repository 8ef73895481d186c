package org.galley.handler.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The file {@code pgid} in an attempt's directory: {@code "PGID STARTTIME"} of the process group
 * leader, written as soon as the runner started the attempt and removed once its end is recorded
 * in the job table. While it exists the attempt may still run: the {@link OrphanWatchdog} kills
 * every group so marked when the handler's heartbeat stops, and a restarted handler reads it to
 * tell its own process from another that got the same pid. Every method blocks (files).
 */
public final class AttemptMarker {
  public static final String FILE = "pgid";
  public static final String TEMP_FILE = "pgid.tmp";

  private AttemptMarker() {}

  /** Writes the marker whole (a temporary name, then a rename), so no reader sees half of it. */
  public static void write(Path dir, ProcessIdentity leader) throws IOException {
    Path tmp = dir.resolve(TEMP_FILE);
    Files.writeString(tmp, leader.format() + "\n", StandardCharsets.US_ASCII);
    Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The marked group leader, if the attempt's directory has a readable marker. */
  public static Optional<ProcessIdentity> read(Path dir) {
    try {
      return ProcessIdentity.parse(Files.readString(dir.resolve(FILE), StandardCharsets.US_ASCII));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The attempt's end is recorded: nothing of it may run any more. */
  public static void remove(Path dir) {
    try {
      Files.deleteIfExists(dir.resolve(FILE));
    } catch (NoSuchFileException e) {
      // the directory is gone: so is the marker
    } catch (IOException e) {
      // A marker left behind is harmless: its group is dead, and the identity check keeps the
      // watchdog off any process that later gets the same pid.
      org.slf4j.LoggerFactory.getLogger(AttemptMarker.class).warn("could not remove {}: {}", dir.resolve(FILE), e.toString());
    }
  }
}
