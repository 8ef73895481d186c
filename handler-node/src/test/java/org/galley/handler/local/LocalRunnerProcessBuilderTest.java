package org.galley.handler.local;

import java.time.Duration;

/** Every {@link LocalRunnerTest} with the ProcessBuilder launcher (setsid and the shell wrapper). */
class LocalRunnerProcessBuilderTest extends LocalRunnerTest {
  @Override
  LocalRunner runner(Duration killGrace) {
    return new LocalRunner(killGrace, BLOCKING, LocalRunner.ProcessLauncher.PROCESS_BUILDER);
  }
}
