package org.galley.web.galaxy;

import static org.apache.pekko.http.javadsl.server.PathMatchers.longSegment;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.galley.core.job.Job;
import org.galley.core.job.JobStore;
import org.galley.core.tools.ToolRegistry;
import org.galley.web.WebSettings;
import org.galley.web.auth.Auth;
import org.galley.web.auth.Caller;
import org.galley.web.http.ApiException;
import org.galley.web.http.Blocking;
import org.galley.web.http.ErrorCode;
import org.galley.web.http.Json;
import org.galley.web.jobs.JobRoutes;

/**
 * Galaxy's client API where Galley has the concept, so that scripts and BioBlend work unchanged:
 * tool execution by {@code POST /api/tools} (200 and Galaxy's shape, as BioBlend expects) and
 * {@code GET /api/jobs/{id}/destination_params} (admin, as in Galaxy), {@code GET /api/jobs/{id}/metrics}
 * ({@link JobMetricsJson}). The job list's filters and
 * {@code ?full=true} are in {@link JobRoutes}, the job lock in {@link JobLockRoutes}. Galley's own
 * {@code POST /api/jobs} stays as it is.
 */
public final class GalaxyRoutes extends AllDirectives {
  private final WebSettings settings;
  private final Auth auth;
  private final Blocking blocking;
  private final JobStore jobs;
  private final ToolRegistry tools;
  private final JobRoutes jobRoutes;

  public GalaxyRoutes(WebSettings settings, Auth auth, Blocking blocking, JobStore jobs, ToolRegistry tools,
      JobRoutes jobRoutes) {
    this.settings = settings;
    this.auth = auth;
    this.blocking = blocking;
    this.jobs = jobs;
    this.tools = tools;
    this.jobRoutes = jobRoutes;
  }

  public Route route() {
    return concat(
        path("tools", () -> post(() -> auth.authenticated(this::runTool))),
        path(segment("jobs").slash(longSegment()).slash("destination_params"), id ->
            get(() -> auth.authenticated(caller -> auth.admin(caller, () -> destinationParams(id))))),
        path(segment("jobs").slash(longSegment()).slash("metrics"), id ->
            get(() -> auth.authenticated(caller -> metrics(caller, id)))));
  }

  private Route runTool(Caller caller) {
    return withSizeLimit(settings.maxBody(), () ->
        entity(Unmarshaller.entityToByteArray(), body -> {
          GalaxyToolRequest request = GalaxyToolRequest.parse(body);
          request.toolVersion().ifPresent(v -> tools.find(request.submit().toolId())
              .filter(t -> !t.version().equals(v))
              .ifPresent(t -> {
                throw new ApiException(ErrorCode.INVALID_INPUT, "tool_version: tool " + t.id() + " is version "
                    + t.version() + ", not " + v);
              }));
          return onSuccess(jobRoutes.submitOne(caller, request.submit()), job -> complete(
              Json.response(StatusCodes.OK, GalaxyJson.toolResponse(job, caller, request.historyId()))));
        }));
  }

  /** Galaxy's job metrics; the job's owner and admins, like the job itself (404 for anyone else). */
  private Route metrics(Caller caller, long id) {
    return onSuccess(blocking.call(() -> jobs.find(id).filter(j -> caller.maySee(j.owner()))
            .orElseThrow(() -> ApiException.notFound("no job " + id))),
        (Job job) -> complete(Json.response(StatusCodes.OK, JobMetricsJson.render(job, tools.find(job.toolId()),
            job.destination() == null ? java.util.Optional.empty() : tools.destinations().find(job.destination())))));
  }

  private Route destinationParams(long id) {
    return onSuccess(blocking.call(() -> jobs.find(id).orElseThrow(() -> ApiException.notFound("no job " + id))),
        (Job job) -> complete(Json.response(StatusCodes.OK, GalaxyJson.destinationParams(job,
            job.destination() == null ? java.util.Optional.empty() : tools.destinations().find(job.destination())))));
  }
}
