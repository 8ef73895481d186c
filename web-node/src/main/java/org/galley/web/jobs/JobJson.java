package org.galley.web.jobs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import org.galley.core.job.Job;
import org.galley.web.auth.Caller;
import org.galley.web.http.Json;

/**
 * A job as the API shows it, in Galaxy's snake_case. Where and how a job runs (owner, pool,
 * attempt, runner, external id, working directory) is for admins only: it names machines and
 * paths a user has no business with.
 */
public final class JobJson {
  private JobJson() {}

  public static ObjectNode render(Job job, Caller caller) {
    ObjectNode o = Json.object();
    o.put("id", job.id());
    o.put("state", job.state().dbName());
    o.put("tool_id", job.toolId());
    o.put("tool_version", job.toolVersion());
    o.set("inputs", Json.MAPPER.valueToTree(job.inputs()));
    o.put("create_time", time(job.createTime()));
    o.put("update_time", time(job.updateTime()));
    o.put("start_time", time(job.startTime()));
    o.put("end_time", time(job.endTime()));
    o.put("exit_code", job.exitCode());
    o.put("handler", job.handler());
    o.put("info", job.info());
    if (caller.admin()) {
      o.put("owner", job.owner());
      o.put("pool", job.pool());
      o.put("attempt", job.attempt());
      o.put("runner", job.runner());
      o.put("external_id", job.externalId());
      o.put("external_name", job.externalName());
      o.put("destination", job.destination());
      o.put("working_directory", job.workingDirectory());
    }
    return o;
  }

  static ArrayNode renderAll(List<Job> jobs, Caller caller) {
    ArrayNode a = Json.MAPPER.createArrayNode();
    jobs.forEach(j -> a.add(render(j, caller)));
    return a;
  }

  /** ISO-8601 in UTC ({@code 2024-05-01T12:00:00.123456Z}), or null for a time not reached yet. */
  private static String time(Instant t) {
    return t == null ? null : t.toString();
  }
}
