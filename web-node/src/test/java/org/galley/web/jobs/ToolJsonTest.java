package org.galley.web.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.galley.core.destinations.Resources;
import org.galley.core.tools.Tool;
import org.galley.core.tools.ToolParameter;
import org.galley.core.tools.ToolParameter.ParameterType;
import org.junit.jupiter.api.Test;
import org.galley.web.http.Json;

class ToolJsonTest {
  static final ToolParameter SECONDS = new ToolParameter("seconds", ParameterType.INTEGER, "how long", false,
      Optional.of(1L), Optional.of(0.0), Optional.of(3600.0), Optional.empty(), Optional.empty(), List.of(),
      false, "true", "false");
  static final ToolParameter MODE = new ToolParameter("mode", ParameterType.SELECT, "how", true,
      Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of("a", "b"),
      false, "true", "false");
  static final Tool SLEEP = new Tool("sleep", "1.0", "Sleeps.", List.of("sleep", "${seconds}"), Optional.empty(),
      List.of(SECONDS, MODE), Optional.empty(), Optional.of("handler-a"), "local", Optional.of(Duration.ofMinutes(2)), Optional.empty(), Resources.NONE);

  @Test
  void showsParametersWithTypesBoundsAndDefaults() throws Exception {
    JsonNode expected = Json.MAPPER.readTree("""
        {"id": "sleep", "version": "1.0", "description": "Sleeps.", "pool": "handler.handler-a",
         "handler": "handler-a", "runner": "local", "walltime_seconds": 120,
         "destination": null, "resources": {"cores": 1, "mem_mb": null, "walltime_seconds": null},
         "parameters": [
           {"name": "seconds", "type": "integer", "description": "how long", "required": false,
            "default": 1, "min": 0, "max": 3600},
           {"name": "mode", "type": "select", "description": "how", "required": true, "options": ["a", "b"]}]}
        """);
    // Through text, as a client sees it: Jackson trees tell an int 1 from a long 1.
    assertEquals(expected, Json.MAPPER.readTree(ToolJson.render(SLEEP).toString()));
  }

  @Test
  void keepsTheArgvTemplateOnTheServer() {
    assertFalse(ToolJson.render(SLEEP).has("argv"));
  }
}
