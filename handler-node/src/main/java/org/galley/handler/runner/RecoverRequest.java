package org.galley.handler.runner;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.galley.protocol.JobState;

/**
 * What the job table recorded of an attempt to take back.
 *
 * @param state queued (claimed; maybe started, maybe submitted), running, or deleting
 * @param externalId the runner's id of the work, if it was recorded
 * @param name the attempt's name, if the runner recorded one before it started the work
 * @param directory the attempt's directory
 * @param startTime when it began to run, per the table
 * @param walltime its limit, counted from {@code startTime}
 */
public record RecoverRequest(
    long jobId,
    int attempt,
    JobState state,
    Optional<String> externalId,
    Optional<String> name,
    Path directory,
    Optional<Instant> startTime,
    Optional<Duration> walltime) {}
