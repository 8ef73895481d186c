package org.galley.core.job;

import java.util.Map;
import org.galley.core.settings.AssignMethod;

/**
 * A validated tool execution, ready to be written as a {@code new} job.
 *
 * @param assignWith the assignment method that brings it to a handler
 * @param handler the preset handler (db-preassign, db-self, mem-self), or null
 */
public record NewJob(String owner, String toolId, String toolVersion, Map<String, Object> inputs, String pool,
    AssignMethod assignWith, String handler) {
  public NewJob {
    inputs = Map.copyOf(inputs);
  }

  /** A job for the {@code cluster} method. */
  public NewJob(String owner, String toolId, String toolVersion, Map<String, Object> inputs, String pool) {
    this(owner, toolId, toolVersion, inputs, pool, AssignMethod.CLUSTER, null);
  }

  /** The same job, to be brought to a handler by {@code method}, preset to {@code presetHandler} (or null). */
  public NewJob assigned(AssignMethod method, String presetHandler) {
    return new NewJob(owner, toolId, toolVersion, inputs, pool, method, presetHandler);
  }
}
