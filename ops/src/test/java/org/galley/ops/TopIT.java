package org.galley.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.galley.core.testing.TestDatabase;
import org.galley.ops.cli.TopCommand;
import org.junit.jupiter.api.Test;

/**
 * {@code galley top} against a real node: one frame shows the handler with its slots, the job
 * lock and a queued job of the pool, then {@code q} ends it.
 */
class TopIT {
  @Test
  void aFrameShowsHandlersLockAndQueueAndQQuits() throws Exception {
    try (InProcessNode node = InProcessNode.start("top-it", TestDatabase.freshUrl(), "")) {
      assertEquals(200, InProcessNode.send("PUT", node.api() + "/api/job_lock", "{\"active\": true}").statusCode());
      assertEquals(201, InProcessNode.send("POST", node.api() + "/api/jobs",
          "{\"tool_id\": \"sort_lines\", \"inputs\": {\"text\": \"b\\na\"}}").statusCode());
      ByteArrayOutputStream screen = new ByteArrayOutputStream();
      TopCommand.loop(node.api(), InProcessNode.ADMIN_KEY, new ByteArrayInputStream("q".getBytes(StandardCharsets.UTF_8)),
          new PrintStream(screen, true, StandardCharsets.UTF_8));
      String frame = screen.toString(StandardCharsets.UTF_8);
      assertTrue(frame.startsWith("\033[H\033[2J"), "redrawn in place");
      assertTrue(frame.contains("job lock ON"), frame);
      // Under the job lock the handler offers no free slot; "drained" is its own drain, which is off.
      assertTrue(frame.matches("(?s).*\\ntop-it\\s+default\\s+4\\s+0\\s+0\\s+no\\s*\\n.*"), frame);
      assertTrue(frame.matches("(?s).*\\ndefault\\s+1\\n.*"), "one new job queued in default: " + frame);
      assertTrue(frame.contains("ended/s 0.0"), frame);
    }
  }
}
