package org.galley.web.cluster;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.galley.protocol.DispatchProtocol.HandlerDescription;
import org.galley.web.http.Json;

/** Handlers and drains as {@code /api/handlers} shows them, in the API's snake_case. */
final class HandlerJson {
  private HandlerJson() {}

  /**
   * {@code {"handlers": [...], "drained": [...]}}. Each handler's {@code drained} is read from
   * {@code drained} too, so that one answer never contradicts itself when a drain lands between the
   * two asks it is built from.
   */
  static ObjectNode renderList(List<HandlerDescription> live, Set<String> drained) {
    ObjectNode o = Json.object();
    ArrayNode handlers = o.putArray("handlers");
    live.forEach(h -> handlers.add(render(h, drained.contains(h.serverName()))));
    o.set("drained", sorted(drained));
    return o;
  }

  static ObjectNode render(HandlerDescription h, boolean drained) {
    ObjectNode o = Json.object();
    o.put("name", h.serverName());
    o.put("address", h.address());
    ArrayNode pools = o.putArray("pools");
    h.pools().forEach(pools::add);
    o.put("workers", h.workers());
    o.put("running", h.running());
    o.put("free_slots", h.freeSlots());
    o.put("drained", drained);
    o.put("up_since", Instant.ofEpochMilli(h.upSinceEpochMillis()).toString());
    return o;
  }

  /** The answer to a drain or undrain: the handler's state now and every drained name. */
  static ObjectNode renderChange(String name, Set<String> drained) {
    ObjectNode o = Json.object();
    o.put("name", name);
    o.put("drained", drained.contains(name));
    o.set("drained_handlers", sorted(drained));
    return o;
  }

  private static ArrayNode sorted(Collection<String> names) {
    ArrayNode a = Json.MAPPER.createArrayNode();
    new TreeSet<>(names).forEach(a::add);
    return a;
  }
}
