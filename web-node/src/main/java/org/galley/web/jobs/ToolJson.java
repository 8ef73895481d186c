package org.galley.web.jobs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.Locale;
import org.galley.core.tools.Tool;
import org.galley.core.tools.ToolParameter;
import org.galley.web.http.Json;

/**
 * A tool as a client needs it to build a valid request: its parameters with types, bounds and
 * defaults, and where its jobs run. The argv template stays on the server.
 */
final class ToolJson {
  private ToolJson() {}

  static ObjectNode render(Tool tool) {
    ObjectNode o = Json.object();
    o.put("id", tool.id());
    o.put("version", tool.version());
    o.put("description", tool.description());
    o.put("pool", tool.targetPool());
    o.put("handler", tool.handler().orElse(null));
    o.put("runner", tool.runner());
    if (tool.walltime().isPresent()) {
      o.put("walltime_seconds", tool.walltime().get().toSeconds());
    } else {
      o.putNull("walltime_seconds");
    }
    o.put("destination", tool.destination().orElse(null));
    // What the tool asks for, before its destination's maxima lower it: that depends on where it runs.
    ObjectNode resources = o.putObject("resources");
    resources.put("cores", tool.resources().cores());
    if (tool.resources().memMb().isPresent()) {
      resources.put("mem_mb", tool.resources().memMb().getAsLong());
    } else {
      resources.putNull("mem_mb");
    }
    if (tool.resources().walltime().isPresent()) {
      resources.put("walltime_seconds", tool.resources().walltime().get().toSeconds());
    } else {
      resources.putNull("walltime_seconds");
    }
    ArrayNode params = o.putArray("parameters");
    tool.parameters().forEach(p -> params.add(render(p)));
    return o;
  }

  static ArrayNode renderAll(Collection<Tool> tools) {
    ArrayNode a = Json.MAPPER.createArrayNode();
    tools.forEach(t -> a.add(render(t)));
    return a;
  }

  /** Absent bounds and options are left out rather than sent as null: they do not apply. */
  private static ObjectNode render(ToolParameter p) {
    ObjectNode o = Json.object();
    o.put("name", p.name());
    o.put("type", p.type().name().toLowerCase(Locale.ROOT));
    o.put("description", p.description());
    o.put("required", p.required());
    p.defaultValue().ifPresent(v -> o.set("default", Json.MAPPER.valueToTree(v)));
    p.min().ifPresent(v -> putBound(o, "min", p, v));
    p.max().ifPresent(v -> putBound(o, "max", p, v));
    p.pattern().ifPresent(v -> o.put("pattern", v));
    p.maxLength().ifPresent(v -> o.put("max_length", v));
    if (p.type() == ToolParameter.ParameterType.SELECT) {
      ArrayNode options = o.putArray("options");
      p.options().forEach(options::add);
    }
    return o;
  }

  /** Bounds are stored as doubles; an integer parameter's bound reads better as an integer. */
  private static void putBound(ObjectNode o, String key, ToolParameter p, double v) {
    if (p.type() == ToolParameter.ParameterType.INTEGER && v == Math.rint(v) && Math.abs(v) < 0x1p53) {
      o.put(key, (long) v);
    } else {
      o.put(key, v);
    }
  }
}
