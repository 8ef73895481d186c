package org.galley.core.job;

import java.util.Map;

/** A validated tool execution, ready to be written as a {@code new} job. */
public record NewJob(String owner, String toolId, String toolVersion, Map<String, Object> inputs, String pool) {
  public NewJob {
    inputs = Map.copyOf(inputs);
  }
}
