package org.galley.handler;

import java.nio.file.Path;
import org.galley.core.db.Database;
import org.galley.core.job.JobStore;
import org.galley.core.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every handler IT stands on: a fresh migrated database per test class, a state directory
 * per test, and the handler under test stopped after each test.
 */
abstract class HandlerFixture {
  static Database db;
  static JobStore store;

  @TempDir
  Path varDir;

  /** The handler a test started, if any; stopped after the test. */
  HandlerHarness handler;

  @BeforeAll
  static void openDatabase() {
    db = TestDatabase.fresh();
    store = new JobStore(db.dataSource());
  }

  @AfterAll
  static void closeDatabase() throws Exception {
    db.close();
  }

  @AfterEach
  void stopHandler() {
    if (handler != null) {
      handler.close();
    }
  }
}
