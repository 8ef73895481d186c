package org.galley.core.admin;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.galley.protocol.CborSerializable;

/**
 * Drained handlers by server name, with who drained each and when, and the job lock (who turned
 * it on and when; null while off). Pure; rebuilt from events. A snapshot written before the lock
 * existed reads with {@code jobLock} null: off.
 */
public record DrainState(Map<String, Drain> drained, Drain jobLock) implements CborSerializable {

  /** Who drained a handler, and when. */
  public record Drain(String by, Instant at) implements CborSerializable {}

  public DrainState {
    drained = Map.copyOf(drained);
  }

  public DrainState(Map<String, Drain> drained) {
    this(drained, null);
  }

  public static DrainState empty() {
    return new DrainState(Map.of(), null);
  }

  public boolean jobLocked() {
    return jobLock != null;
  }

  public DrainState jobLock(boolean active, String by, Instant at) {
    return new DrainState(drained, active ? new Drain(by, at) : null);
  }

  public boolean isDrained(String serverName) {
    return drained.containsKey(serverName);
  }

  public Set<String> names() {
    return drained.keySet();
  }

  public DrainState drain(String serverName, String by, Instant at) {
    Map<String, Drain> next = new HashMap<>(drained);
    next.put(serverName, new Drain(by, at));
    return new DrainState(next, jobLock);
  }

  public DrainState undrain(String serverName) {
    Map<String, Drain> next = new HashMap<>(drained);
    next.remove(serverName);
    return new DrainState(next, jobLock);
  }
}
