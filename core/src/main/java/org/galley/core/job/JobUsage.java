package org.galley.core.job;

/**
 * What an attempt's work used, as its runner measured it, kept with the job's end (columns of
 * {@code job}, migration V7). Each part is null when the runner did not see it.
 *
 * @param cpuUserSeconds CPU time in user mode of the tool and every process it waited for
 * @param cpuSystemSeconds the same in the kernel
 * @param peakMemoryBytes the largest resident set (max RSS) among those processes
 * @param exitSignal the signal that ended the tool (9 for SIGKILL), null if it exited
 */
public record JobUsage(Double cpuUserSeconds, Double cpuSystemSeconds, Long peakMemoryBytes, Integer exitSignal) {
  public static final JobUsage NONE = new JobUsage(null, null, null, null);

  public JobUsage {
    if (exitSignal != null && (exitSignal < 1 || exitSignal > 127)) {
      throw new IllegalArgumentException("not a signal number: " + exitSignal);
    }
  }

  public boolean isEmpty() {
    return cpuUserSeconds == null && cpuSystemSeconds == null && peakMemoryBytes == null && exitSignal == null;
  }
}
