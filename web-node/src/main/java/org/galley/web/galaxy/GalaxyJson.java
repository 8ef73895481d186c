package org.galley.web.galaxy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Collectors;
import org.galley.core.destinations.Destination;
import org.galley.core.job.Job;
import org.galley.core.output.JobOutputStore;
import org.galley.core.tools.ToolRegistry;
import org.galley.web.auth.Caller;
import org.galley.web.http.Json;
import org.galley.web.jobs.JobJson;
import org.galley.web.jobs.JobOutput;

/** The answers of Galaxy's client API routes, in Galaxy's shapes, from Galley's job rows. */
public final class GalaxyJson {
  private GalaxyJson() {}

  /**
   * {@code POST /api/tools}: Galaxy answers 200 with the jobs it made and their outputs. A Galley
   * job's outputs are its stdout and stderr files, not datasets, so {@code outputs} is empty.
   */
  static ObjectNode toolResponse(Job job, Caller caller, Optional<String> historyId) {
    ObjectNode j = JobJson.render(job, caller).put("model_class", "Job");
    historyId.ifPresent(h -> j.put("history_id", h));
    ObjectNode o = Json.object();
    o.putArray("outputs");
    o.putArray("output_collections");
    o.putArray("jobs").add(j);
    o.putArray("implicit_collections");
    o.put("produces_entry_points", false);
    return o;
  }

  /** {@code GET /api/jobs/{id}?full=true}: the job with its stdout, stderr and command line. */
  public static ObjectNode full(Job job, Caller caller, ToolRegistry tools, JobOutputStore kept, long maxOutput) {
    ObjectNode o = JobJson.render(job, caller);
    String stdout = new String(JobOutput.STDOUT.of(job, kept, maxOutput).bytes(), StandardCharsets.UTF_8);
    String stderr = new String(JobOutput.STDERR.of(job, kept, maxOutput).bytes(), StandardCharsets.UTF_8);
    o.put("stdout", stdout).put("stderr", stderr).put("tool_stdout", stdout).put("tool_stderr", stderr);
    o.put("command_line", commandLine(job, tools));
    return o;
  }

  /**
   * {@code GET /api/jobs/{id}/destination_params}: where the job runs, as its destination has it.
   * The destination's environment is left out: its values may be secrets.
   */
  static ObjectNode destinationParams(Job job, Optional<Destination> destination) {
    ObjectNode o = Json.object();
    o.put("Runner", job.runner());
    o.put("Runner Job ID", job.externalId());
    o.put("Handler", job.handler());
    o.put("destination", job.destination());
    destination.ifPresent(d -> {
      o.put("runner", d.runner());
      d.partition().ifPresent(p -> o.put("partition", p));
      if (!d.nativeSpecification().isEmpty()) {
        o.put("nativeSpecification", d.nativeSpecification());
      }
    });
    return o;
  }

  /** The argv as a shell would take it (each element single-quoted where needed); null if the tool is gone. */
  static String commandLine(Job job, ToolRegistry tools) {
    Path dir = Path.of(job.workingDirectory() != null ? job.workingDirectory() : "JOB_DIRECTORY");
    return tools.find(job.toolId()).map(tool -> {
      try {
        return ToolRegistry.render(tool, ToolRegistry.validate(tool, job.inputs()), dir).argv().stream()
            .map(GalaxyJson::quoted).collect(Collectors.joining(" "));
      } catch (RuntimeException e) {
        return null; // inputs the tool no longer takes (its definition changed since)
      }
    }).orElse(null);
  }

  private static String quoted(String arg) {
    return arg.matches("[A-Za-z0-9_./=:,+-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'";
  }
}
