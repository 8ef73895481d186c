package org.galley.web.jobs;

import static org.apache.pekko.http.javadsl.server.PathMatchers.longSegment;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.galley.core.dispatch.Assignment;
import org.galley.core.dispatch.JobEvents;
import org.galley.core.job.IdempotencyStore;
import org.galley.core.job.Job;
import org.galley.core.job.JobStore;
import org.galley.core.metrics.Metrics;
import org.galley.core.job.NewJob;
import org.galley.core.settings.AssignMethod;
import org.galley.core.tools.InvalidInputException;
import org.galley.core.tools.Tool;
import org.galley.core.tools.ToolRegistry;
import org.galley.protocol.JobState;
import org.galley.web.edge.TokenBuckets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.galley.web.WebSettings;
import org.galley.web.auth.Auth;
import org.galley.web.auth.Caller;
import org.galley.web.galaxy.GalaxyJson;
import org.galley.web.http.ApiException;
import org.galley.web.http.Blocking;
import org.galley.web.http.ErrorCode;
import org.galley.web.http.Json;

/**
 * {@code /api/jobs}: submit, show, list, cancel, stdout and stderr. Input is checked completely
 * before the one INSERT, so a refused request writes nothing. Another user's job answers 404,
 * exactly like a job that does not exist, so ids reveal nothing.
 */
public final class JobRoutes extends AllDirectives {
  private static final Logger log = LoggerFactory.getLogger(JobRoutes.class);
  /** Set when a job's output was longer than {@code max-output}: how many leading bytes were left out. */
  static final String SKIPPED_HEADER = "x-galley-output-skipped";

  private final WebSettings settings;
  private final Auth auth;
  private final Blocking blocking;
  private final JobStore jobs;
  private final ToolRegistry tools;
  private final JobEvents events;
  private final JobIntake intake;
  private final Assignment assignment;
  private final IdempotencyStore idempotency;
  private final TokenBuckets submitRate;
  private final Metrics metrics;

  public JobRoutes(WebSettings settings, Auth auth, Blocking blocking, JobStore jobs, ToolRegistry tools, JobEvents events,
      JobIntake intake, Assignment assignment, IdempotencyStore idempotency, TokenBuckets submitRate, Metrics metrics) {
    this.submitRate = submitRate;
    this.metrics = metrics;
    this.intake = intake;
    this.assignment = assignment;
    this.idempotency = idempotency;
    this.settings = settings;
    this.auth = auth;
    this.blocking = blocking;
    this.jobs = jobs;
    this.tools = tools;
    this.events = events;
  }

  public Route route() {
    return concat(
        path("jobs", () -> concat(
            post(() -> auth.authenticated(this::submit)),
            get(() -> auth.authenticated(this::list)))),
        path(segment("jobs").slash(longSegment()), id -> concat(
            get(() -> auth.authenticated(caller -> show(caller, id))),
            delete(() -> auth.authenticated(caller -> cancel(caller, id))))),
        path(segment("jobs").slash(longSegment()).slash("stdout"), id ->
            get(() -> auth.authenticated(caller -> output(caller, id, JobOutput.STDOUT)))),
        path(segment("jobs").slash(longSegment()).slash("stderr"), id ->
            get(() -> auth.authenticated(caller -> output(caller, id, JobOutput.STDERR)))));
  }

  /**
   * One job ({@code {"tool_id", "inputs"}}, 201 with the job) or a list of them (201 with the list,
   * in the order sent). Every element is checked before anything is written, and a list is written
   * in one statement: all of it or, on a 4xx or 503, none. Concurrent submissions share a statement
   * ({@link JobIntake}).
   */
  private Route submit(Caller caller) {
    // Checked before the body is read: a user over galley.limits.user-submit-rate costs no parsing.
    long wait = submitRate.take(caller.name());
    if (wait > 0) {
      throw new ApiException(ErrorCode.SUBMIT_RATE, "user '" + caller.name() + "' submits faster than"
          + " galley.limits.user-submit-rate allows; retry after " + wait + " s (the same Idempotency-Key is safe)",
          wait);
    }
    return withSizeLimit(settings.maxBody(), () ->
        entity(Unmarshaller.entityToByteArray(), body -> {
          SubmitRequest.Body parsed = SubmitRequest.parseBody(body);
          List<NewJob> jobs = new ArrayList<>(parsed.requests().size());
          for (int i = 0; i < parsed.requests().size(); i++) {
            String at = parsed.list() ? "[" + i + "]." : "";
            jobs.add(newJob(caller, parsed.requests().get(i), at));
          }
          return optionalHeaderValueByName(IdempotencyKey.HEADER, key -> key.isPresent()
              ? submitOnce(caller, IdempotencyKey.check(key.get()), body, parsed.list(), jobs)
              : onSuccess(intake.submit(jobs), inserted -> {
                notifySubmitted(jobs, inserted);
                return complete(Json.response(StatusCodes.CREATED, parsed.list()
                    ? JobJson.renderAll(inserted, caller)
                    : JobJson.render(inserted.get(0), caller)));
              }));
        }));
  }

  /**
   * A submission with an Idempotency-Key: written in a transaction of its own with the key
   * (not in the group commit), or, if the key is known, answered with the jobs written then, as
   * they are now, with the same status.
   */
  private Route submitOnce(Caller caller, String key, byte[] body, boolean list, List<NewJob> jobs) {
    String hash = IdempotencyKey.hash(body);
    return onSuccess(blocking.call(() -> {
      try {
        return idempotency.submit(caller.name(), key, hash, list, jobs);
      } catch (IdempotencyStore.KeyReusedException e) {
        throw new ApiException(ErrorCode.IDEMPOTENCY_KEY_REUSED, e.getMessage());
      }
    }), outcome -> {
      if (!outcome.replayed()) {
        notifySubmitted(jobs, outcome.jobs());
      }
      HttpResponse response = Json.response(StatusCodes.CREATED, outcome.list()
          ? JobJson.renderAll(outcome.jobs(), caller)
          : JobJson.render(outcome.jobs().get(0), caller));
      return complete(outcome.replayed()
          ? response.addHeader(RawHeader.create(IdempotencyKey.REPLAYED_HEADER, "true"))
          : response);
    });
  }

  /** @param at prefix of field names in messages: the element of a list, or empty */
  private NewJob newJob(Caller caller, SubmitRequest request, String at) {
    Tool tool = tools.find(request.toolId()).orElseThrow(() -> new ApiException(ErrorCode.UNKNOWN_TOOL,
        at + "tool_id: unknown tool '" + request.toolId() + "'; GET /api/tools lists the tools"));
    Map<String, Object> inputs;
    try {
      inputs = validate(tool, request.inputs());
    } catch (ApiException e) {
      throw at.isEmpty() ? e : new ApiException(e.code(), at + e.getMessage());
    }
    String pool = tool.targetPool();
    Assignment.Choice choice;
    try {
      choice = assignment.choose(pool);
    } catch (Assignment.NoMethodApplies e) {
      throw new ApiException(ErrorCode.NO_ASSIGNMENT, at + "tool " + tool.id() + ": " + e.getMessage());
    }
    return new NewJob(caller.name(), tool.id(), tool.version(), inputs, pool, choice.method(), choice.handler());
  }

  private static Map<String, Object> validate(Tool tool, Map<String, Object> raw) {
    try {
      return ToolRegistry.validate(tool, raw);
    } catch (InvalidInputException e) {
      String message = e.getMessage();
      // The registry's message normally names the parameter already; make sure it always does.
      if (e.field() != null && (message == null || !message.contains(e.field()))) {
        message = e.field() + ": " + message;
      }
      throw new ApiException(ErrorCode.INVALID_INPUT, message);
    }
  }

  /**
   * The job is committed: the 201 must not depend on the hint. If the cluster is not told, the
   * pool dispatcher's sweep still finds the job.
   */
  private void notifySubmitted(List<NewJob> submitted, List<Job> inserted) {
    Map<String, Integer> perPool = new LinkedHashMap<>();
    Map<Map.Entry<String, AssignMethod>, Boolean> claimable = new LinkedHashMap<>();
    for (NewJob j : submitted) {
      metrics.jobSubmitted(j.pool(), j.toolId());
      if (j.assignWith() == AssignMethod.CLUSTER) {
        perPool.merge(j.pool(), 1, Integer::sum);
      } else {
        claimable.put(Map.entry(j.pool(), j.assignWith()), true);
      }
    }
    perPool.forEach((pool, count) -> {
      try {
        events.submitted(pool, count);
      } catch (RuntimeException e) {
        log.warn("{} job(s) committed but pool {} was not told; its sweep will find them", count, pool, e);
      }
    });
    claimable.keySet().forEach(k -> {
      try {
        events.claimable(k.getKey(), k.getValue());
      } catch (RuntimeException e) {
        log.warn("new {} job(s) of pool {} committed but handlers were not told; their poll finds them",
            k.getValue().configName(), k.getKey(), e);
      }
    });
  }

  /** Validates and writes one job as {@code POST /api/jobs} does without a key (for {@code POST /api/tools}). */
  public CompletionStage<Job> submitOne(Caller caller, SubmitRequest request) {
    List<NewJob> one = List.of(newJob(caller, request, ""));
    return intake.submit(one).thenApply(inserted -> {
      notifySubmitted(one, inserted);
      return inserted.get(0);
    });
  }

  private Route list(Caller caller) {
    return parameterMultiMap(params -> {
      var query = JobListParams.parse(params, caller, settings.listDefaultLimit());
      boolean userDetails = JobListParams.userDetails(params);
      return onSuccess(blocking.call(() -> jobs.list(query)), page -> {
        var rendered = JobJson.renderAll(page, caller);
        if (userDetails) {
          // Galaxy's user_details: who submitted each job, as user_email. Galley users have a name and
          // no e-mail, so the name (unique, what Galley knows them by) is given there and as user_name.
          for (int i = 0; i < page.size(); i++) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) rendered.get(i)).put("user_email", page.get(i).owner())
                .put("user_name", page.get(i).owner());
          }
        }
        return complete(Json.response(StatusCodes.OK, rendered));
      });
    });
  }

  /** With {@code ?full=true} (Galaxy's full details) also stdout, stderr and the command line. */
  private Route show(Caller caller, long id) {
    return parameterOptional("full", full -> {
      boolean details = full.map(v -> JobListParams.bool("full", v)).orElse(false);
      return onSuccess(blocking.call(() -> {
        Job job = visible(caller, id);
        return details ? GalaxyJson.full(job, caller, tools, jobs.outputs(), settings.maxOutput()) : JobJson.render(job, caller);
      }), body -> complete(Json.response(StatusCodes.OK, body)));
    });
  }

  /**
   * A new job is deleted at once; a held one becomes {@code deleting} and its handler is told to
   * stop it (and if that hint is lost, the handler's own check of the table still sees it).
   */
  private Route cancel(Caller caller, long id) {
    return onSuccess(blocking.call(() -> {
      visible(caller, id);
      return jobs.cancel(id).orElseThrow(() -> unknownJob(id));
    }), job -> {
      if (job.state() == JobState.DELETING && job.handler() != null) {
        try {
          events.cancelRequested(job.id(), job.handler());
        } catch (RuntimeException e) {
          log.warn("job {} marked deleting but handler {} was not told", job.id(), job.handler(), e);
        }
      }
      return complete(Json.response(StatusCodes.OK, JobJson.render(job, caller)));
    });
  }

  private Route output(Caller caller, long id, JobOutput which) {
    return onSuccess(blocking.call(() -> {
      Job job = visible(caller, id);
      return which.of(job, jobs.outputs(), settings.maxOutput());
    }), content -> {
      HttpResponse response = HttpResponse.create().withEntity(ContentTypes.TEXT_PLAIN_UTF8, content.bytes());
      if (content.skipped() > 0) {
        response = response.addHeader(RawHeader.create(SKIPPED_HEADER, Long.toString(content.skipped())));
      }
      return complete(response);
    });
  }

  /** The job if it exists and the caller may see it; 404 otherwise, the same answer in both cases. Blocks. */
  private Job visible(Caller caller, long id) {
    return jobs.find(id).filter(j -> caller.maySee(j.owner())).orElseThrow(() -> unknownJob(id));
  }

  private static ApiException unknownJob(long id) {
    return ApiException.notFound("no job " + id);
  }
}
