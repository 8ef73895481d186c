package org.galley.core.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The Prometheus metrics of one node (one actor system), scraped at {@code /metrics} on the
 * management port. One registry per actor system rather than the client's global one, so that
 * two nodes in one JVM (tests) do not count into each other.
 *
 * <p>Labels take only bounded values: pool, tool id (both from configuration), end state, route
 * template, method, status. Never a job id, user name, key or parameter value.
 */
public final class Metrics implements Extension {
  /** Seconds from a job's creation to its start: sub-second with a live handler, minutes in a backlog. */
  private static final double[] LATENCY_BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300,
      900, 3600};
  /** Seconds a job runs: from a blink to a day. */
  private static final double[] RUNTIME_BOUNDS = {0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600, 12 * 3600,
      86400};
  /** Seconds of a claim statement or an HTTP request. */
  private static final double[] SHORT_BOUNDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
      10};

  public static final ExtensionId<Metrics> ID = new ExtensionId<>() {
    @Override
    public Metrics createExtension(ActorSystem<?> system) {
      return new Metrics(new PrometheusRegistry());
    }
  };

  private final PrometheusRegistry registry;
  private final Counter jobsSubmitted;
  private final Counter jobsFinished;
  private final Histogram dispatchLatency;
  private final Histogram jobRuntime;
  private final Histogram claimDuration;
  private final Counter httpRequests;
  private final Histogram httpDuration;

  Metrics(PrometheusRegistry registry) {
    this.registry = registry;
    JvmMetrics.builder().register(registry);
    jobsSubmitted = Counter.builder().name("galley_jobs_submitted_total")
        .help("Jobs written by this node's web part").labelNames("pool", "tool").register(registry);
    jobsFinished = Counter.builder().name("galley_jobs_finished_total")
        .help("Job attempts this node's handler ended, by end state (ok, error, deleted)")
        .labelNames("pool", "tool", "state").register(registry);
    dispatchLatency = Histogram.builder().name("galley_job_dispatch_latency_seconds")
        .help("Time from a job's creation to its start on this node's handler").labelNames("pool")
        .classicUpperBounds(LATENCY_BOUNDS).classicOnly().register(registry);
    jobRuntime = Histogram.builder().name("galley_job_runtime_seconds")
        .help("Time from a job's start to its end on this node's handler").labelNames("pool", "tool")
        .classicUpperBounds(RUNTIME_BOUNDS).classicOnly().register(registry);
    claimDuration = Histogram.builder().name("galley_claim_duration_seconds")
        .help("Time one claim of new jobs takes in the database").labelNames("pool")
        .classicUpperBounds(SHORT_BOUNDS).classicOnly().register(registry);
    httpRequests = Counter.builder().name("galley_http_requests_total")
        .help("HTTP API requests answered, by route template, method and status")
        .labelNames("route", "method", "status").register(registry);
    httpDuration = Histogram.builder().name("galley_http_request_duration_seconds")
        .help("HTTP API request latency by route template and method").labelNames("route", "method")
        .classicUpperBounds(SHORT_BOUNDS).classicOnly().register(registry);
  }

  public static Metrics get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  /** The registry, for the scrape and for parts that add gauges of their own. */
  public PrometheusRegistry registry() {
    return registry;
  }

  public void jobSubmitted(String pool, String tool) {
    jobsSubmitted.labelValues(pool, tool).inc();
  }

  /** {@code state}: {@code ok}, {@code error} or {@code deleted}. */
  public void jobFinished(String pool, String tool, String state, double runtimeSeconds) {
    jobsFinished.labelValues(pool, tool, state).inc();
    if (runtimeSeconds >= 0) {
      jobRuntime.labelValues(pool, tool).observe(runtimeSeconds);
    }
  }

  public void jobStarted(String pool, double secondsSinceCreation) {
    dispatchLatency.labelValues(pool).observe(Math.max(0, secondsSinceCreation));
  }

  public void claimed(String pool, double seconds) {
    claimDuration.labelValues(pool).observe(seconds);
  }

  /** {@code route} is a template such as {@code /api/jobs/{id}}, never the request's path. */
  public void httpAnswered(String route, String method, int status, double seconds) {
    httpRequests.labelValues(route, method, Integer.toString(status)).inc();
    httpDuration.labelValues(route, method).observe(seconds);
  }
}
