package org.galley.core.output;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.galley.core.job.StoreException;

/**
 * Table {@code job_output}: the end of each job's stdout and stderr, kept by its handler when the
 * job ends so that web nodes serve them without sharing its file system. Jobs whose outputs are
 * both empty have no row, so they cost no write.
 */
public final class JobOutputStore {
  /** The outputs of one attempt, as its handler read them at its end. */
  public record Kept(long jobId, int attempt, OutputTail stdout, OutputTail stderr) {
    public boolean isEmpty() {
      return stdout.isEmpty() && stderr.isEmpty();
    }
  }

  /** A job's kept stdout and stderr, and the attempt whose they are. */
  public record Stored(int attempt, OutputTail stdout, OutputTail stderr) {}

  /**
   * Fenced like every write of an attempt: only while the attempt is the job's and held by this
   * handler, before its end is recorded. A later attempt's outputs replace an earlier one's.
   */
  static final String KEEP = """
      INSERT INTO job_output (job_id, attempt, stdout, stderr, stdout_skipped, stderr_skipped)
      SELECT id, attempt, ?, ?, ?, ? FROM job                                  -- stdout, stderr, skipped x2
      WHERE id = ? AND attempt = ? AND handler = ?                             -- id, attempt, handler
        AND state IN ('queued', 'running', 'deleting')
      ON CONFLICT (job_id) DO UPDATE SET attempt = excluded.attempt, stdout = excluded.stdout,
        stderr = excluded.stderr, stdout_skipped = excluded.stdout_skipped, stderr_skipped = excluded.stderr_skipped
      WHERE job_output.attempt <= excluded.attempt
      """;

  static final String FIND = """
      SELECT stdout, stderr, stdout_skipped, stderr_skipped, attempt FROM job_output WHERE job_id = ?  -- id
      """;

  private final DataSource dataSource;

  public JobOutputStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Writes the non-empty ones in one round trip; an empty list or only empty outputs write nothing. Blocks. */
  public void keepAll(String handler, List<Kept> outputs) {
    List<Kept> some = outputs.stream().filter(k -> !k.isEmpty()).toList();
    if (some.isEmpty()) {
      return;
    }
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(KEEP)) {
      for (Kept k : some) {
        ps.setBytes(1, k.stdout().bytes());
        ps.setBytes(2, k.stderr().bytes());
        ps.setLong(3, k.stdout().skipped());
        ps.setLong(4, k.stderr().skipped());
        ps.setLong(5, k.jobId());
        ps.setInt(6, k.attempt());
        ps.setString(7, handler);
        ps.addBatch();
      }
      ps.executeBatch();
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  /** The kept stdout and stderr of a job, if its handler kept any. Blocks. */
  public Optional<Stored> find(long jobId) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FIND)) {
      ps.setLong(1, jobId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new Stored(rs.getInt(5), new OutputTail(rs.getBytes(1), rs.getLong(3)),
            new OutputTail(rs.getBytes(2), rs.getLong(4))));
      }
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }
}
