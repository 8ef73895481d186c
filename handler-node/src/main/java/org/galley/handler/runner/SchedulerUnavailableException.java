package org.galley.handler.runner;


/**
 * The scheduler a runner drives did not answer, or answered in a way that says nothing of the
 * work. Nothing changes state because of it: the handler tries the step again later and says why in
 * the job's {@code info}.
 */
public final class SchedulerUnavailableException extends RuntimeException {
  public SchedulerUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
