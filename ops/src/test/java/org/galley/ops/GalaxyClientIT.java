package org.galley.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.galley.core.testing.TestDatabase;
import org.galley.testsupport.DebianPackages;
import org.junit.jupiter.api.Test;

/**
 * Galaxy's own Python client, BioBlend (Debian's {@code python3-bioblend}, installed by the test
 * when missing), against a real Galley node: tool execution, a job and its full details, the job
 * list with Galaxy's filters, destination params and the job lock, all unchanged client code.
 */
class GalaxyClientIT {
  @Test
  void bioblendRunsAToolAndReadsItsJobs() throws Exception {
    DebianPackages.ensure(List.of("python3-bioblend"), () -> DebianPackages.pythonRuns("import bioblend"));
    Path script = Files.createTempFile(Path.of("target").toAbsolutePath(), "bioblend_client", ".py");
    try (InputStream in = GalaxyClientIT.class.getResourceAsStream("/bioblend_client.py")) {
      Files.write(script, in.readAllBytes());
    }
    JsonNode out;
    try (InProcessNode node = InProcessNode.start("galaxy-client-it", TestDatabase.freshUrl(),
        // A tool that asks for resources, for galaxy_slots and galaxy_memory_mb.
        "galley.tools.list += { id = two_cores, version = \"1.0\", argv = [\"true\"], resources { cores = 2, mem = 256m } }")) {
      Process p = new ProcessBuilder(DebianPackages.PYTHON, script.toString(), node.api(), InProcessNode.ADMIN_KEY)
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      byte[] stdout = p.getInputStream().readAllBytes();
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the script ended");
      String text = new String(stdout, StandardCharsets.UTF_8);
      assertEquals(0, p.exitValue(), "bioblend script failed (its stderr is above): " + text);
      out = new ObjectMapper().readTree(text);
    }

    JsonNode run = out.get("run_tool");
    assertEquals(1, run.get("jobs").size());
    assertTrue(run.get("outputs").isArray());
    assertEquals("history-1", run.get("jobs").get(0).get("history_id").asText());
    long id = run.get("jobs").get(0).get("id").asLong();
    assertEquals("ok", out.get("waited").get("state").asText());
    assertFalse(out.get("show_job").has("stdout"), "stdout only with full details");
    JsonNode full = out.get("show_job_full");
    assertEquals("apple\nfig\npear\n", full.get("stdout").asText());
    assertEquals("", full.get("stderr").asText());
    assertTrue(full.get("command_line").asText().startsWith("sort"), full.toString());
    assertEquals(id, out.get("ok_jobs").get(0).get("id").asLong());
    assertEquals(0, out.get("new_jobs").size());
    assertEquals("admin", out.get("details").get(0).get("user_name").asText());
    assertEquals("admin", out.get("details").get(0).get("user_email").asText(), "Galley users have names, no e-mail");
    assertFalse(out.get("ok_jobs").get(0).has("user_email"), "only with user_details");
    assertEquals(0, out.get("before_2000").size());
    assertEquals(1, out.get("ok_or_error").size());
    assertEquals(java.util.Map.of("galaxy_slots", "1"), metrics(out.get("metrics"), "galaxy_slots"));
    JsonNode peak = find(out.get("metrics"), "memory.peak");
    assertEquals("cgroup", peak.get("plugin").asText(), "Galaxy's cgroup plugin's name for it");
    assertTrue(Double.parseDouble(peak.get("raw_value").asText()) > 100_000, "sort's max RSS in bytes: " + peak);
    JsonNode cpu = find(out.get("metrics"), "cpu.stat.user_usec");
    assertTrue(Double.parseDouble(cpu.get("raw_value").asText()) >= 0, cpu.toString());
    assertTrue(find(out.get("metrics"), "cpu.stat.system_usec").get("value").asText().endsWith("seconds"));
    JsonNode runtime = find(out.get("metrics"), "runtime_seconds");
    assertEquals("core", runtime.get("plugin").asText());
    assertEquals("Job Runtime (Wall Clock)", runtime.get("title").asText());
    assertTrue(Double.parseDouble(runtime.get("raw_value").asText()) >= 0, runtime.toString());
    assertTrue(runtime.get("value").asText().endsWith("seconds") || runtime.get("value").asText().endsWith("second"));
    assertTrue(find(out.get("metrics"), "start_epoch") != null && find(out.get("metrics"), "end_epoch") != null);
    assertEquals(java.util.Map.of("galaxy_slots", "2"), metrics(out.get("metrics_two_cores"), "galaxy_slots"));
    assertEquals("256.0000000", find(out.get("metrics_two_cores"), "galaxy_memory_mb").get("raw_value").asText());
    assertEquals("local", out.get("destination_params").get("Runner").asText());
    assertFalse(out.get("lock_before").asBoolean());
    assertTrue(out.get("lock_on").asBoolean());
    assertTrue(out.get("lock_shown").asBoolean());
    assertFalse(out.get("lock_off").asBoolean());
  }

  private static JsonNode find(JsonNode metrics, String name) {
    for (JsonNode m : metrics) {
      if (m.get("name").asText().equals(name)) {
        return m;
      }
    }
    return null;
  }

  private static java.util.Map<String, String> metrics(JsonNode metrics, String name) {
    JsonNode m = find(metrics, name);
    return m == null ? java.util.Map.of() : java.util.Map.of(name, m.get("value").asText());
  }
}
