package org.galley.core.job;

import java.util.List;
import org.galley.core.settings.AssignMethod;
import org.galley.core.settings.JobLimits;

/**
 * One handler's claim of new jobs.
 *
 * @param handler server name of the claiming handler
 * @param method only jobs written for this assignment method are taken, so methods never steal
 *     each other's jobs
 * @param pools pools the handler serves for this method
 * @param unassigned whether jobs without a preset handler may be taken; jobs preset to this
 *     handler always may, jobs preset to another never
 * @param max most jobs to take
 * @param limits concurrency limits, enforced by the claim itself
 */
public record ClaimRequest(String handler, AssignMethod method, List<String> pools, boolean unassigned, int max,
    JobLimits limits) {

  public ClaimRequest {
    pools = List.copyOf(pools);
    if (max < 1) {
      throw new IllegalArgumentException("a claim takes at least one job, got " + max);
    }
  }

  /** The same claim for at most {@code n} jobs. */
  public ClaimRequest withMax(int n) {
    return new ClaimRequest(handler, method, pools, unassigned, n, limits);
  }

  /** The claim of the cluster method's dispatchers: one pool, any unassigned job. */
  public static ClaimRequest cluster(String handler, String pool, int max, JobLimits limits) {
    return new ClaimRequest(handler, AssignMethod.CLUSTER, List.of(pool), true, max, limits);
  }
}
