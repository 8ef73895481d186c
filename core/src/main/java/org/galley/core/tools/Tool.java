package org.galley.core.tools;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.galley.core.destinations.Resources;
import org.galley.protocol.Pools;

/**
 * A command-line tool users may run: an argv template over typed parameters. Nothing of it is
 * ever passed through a shell.
 *
 * @param argv argv template; an element may hold {@code ${name}} placeholders of parameters
 * @param stdin optional template of a path fed to the process's standard input
 * @param pool the pool (Galaxy tag) of handlers that run it; empty for {@code default}
 * @param handler the one handler (server name) that runs it; bypasses pools
 * @param runner runner name, {@code local} unless set
 * @param walltime kill the job after this long; empty for no limit (or {@code resources.walltime})
 * @param destination where its jobs run; empty for its pool's default destination
 * @param resources what it asks of its destination, lowered there to the destination's maxima
 */
public record Tool(
    String id,
    String version,
    String description,
    List<String> argv,
    Optional<String> stdin,
    List<ToolParameter> parameters,
    Optional<String> pool,
    Optional<String> handler,
    String runner,
    Optional<Duration> walltime,
    Optional<String> destination,
    Resources resources) {

  public Tool {
    argv = List.copyOf(argv);
    parameters = List.copyOf(parameters);
  }

  /**
   * The walltime asked for, by {@code walltime} or {@code resources.walltime}; {@link ToolChecks}
   * refuses a tool that sets both, so there is never a choice to make here.
   */
  public Optional<Duration> requestedWalltime() {
    return walltime.or(resources::walltime);
  }

  /** The pool whose handlers may run this tool's jobs: its handler's pool of one, its pool, or default. */
  public String targetPool() {
    return handler.map(Pools::ofHandler).orElseGet(() -> pool.orElse(Pools.DEFAULT));
  }
}
