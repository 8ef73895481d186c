package org.galley.core.admin;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.galley.protocol.CborSerializable;

/** Drained handlers by server name, with who drained each and when. Pure; rebuilt from events. */
public record DrainState(Map<String, Drain> drained) implements CborSerializable {

  /** Who drained a handler, and when. */
  public record Drain(String by, Instant at) implements CborSerializable {}

  public DrainState {
    drained = Map.copyOf(drained);
  }

  public static DrainState empty() {
    return new DrainState(Map.of());
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
    return new DrainState(next);
  }

  public DrainState undrain(String serverName) {
    Map<String, Drain> next = new HashMap<>(drained);
    next.remove(serverName);
    return new DrainState(next);
  }
}
