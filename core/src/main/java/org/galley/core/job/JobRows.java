package org.galley.core.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import org.galley.protocol.JobState;

/** Maps {@code job} rows to {@link Job} and inputs to and from jsonb text. */
final class JobRows {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private JobRows() {}

  static Job read(ResultSet rs) throws SQLException {
    int exit = rs.getInt("exit_code");
    Integer exitCode = rs.wasNull() ? null : exit;
    return new Job(
        rs.getLong("id"),
        rs.getString("owner"),
        rs.getString("tool_id"),
        rs.getString("tool_version"),
        inputsFromJson(rs.getString("inputs")),
        rs.getString("pool"),
        rs.getString("handler"),
        JobState.fromDb(rs.getString("state")),
        rs.getInt("attempt"),
        rs.getString("runner"),
        rs.getString("external_id"),
        exitCode,
        rs.getString("info"),
        rs.getString("working_directory"),
        instant(rs.getTimestamp("create_time")),
        instant(rs.getTimestamp("update_time")),
        instant(rs.getTimestamp("start_time")),
        instant(rs.getTimestamp("end_time")),
        optional(rs, "destination"),
        optional(rs, "external_name"),
        usage(rs));
  }

  /** The V7 usage columns; {@link JobUsage#NONE} from statements that do not return them. */
  private static JobUsage usage(ResultSet rs) throws SQLException {
    int user;
    try {
      user = rs.findColumn("cpu_user_seconds");
    } catch (SQLException e) {
      return JobUsage.NONE;
    }
    double u = rs.getDouble(user);
    Double cpuUser = rs.wasNull() ? null : u;
    double s = rs.getDouble("cpu_system_seconds");
    Double cpuSystem = rs.wasNull() ? null : s;
    long m = rs.getLong("peak_memory_bytes");
    Long peak = rs.wasNull() ? null : m;
    int sig = rs.getInt("exit_signal");
    Integer signal = rs.wasNull() ? null : sig;
    return cpuUser == null && cpuSystem == null && peak == null && signal == null
        ? JobUsage.NONE : new JobUsage(cpuUser, cpuSystem, peak, signal);
  }

  /** A column some statements do not return (those written before it existed). */
  private static String optional(ResultSet rs, String column) throws SQLException {
    try {
      return rs.getString(rs.findColumn(column));
    } catch (SQLException e) {
      if ("42703".equals(e.getSQLState()) || e.getMessage().contains("column name")) {
        return null;
      }
      throw e;
    }
  }

  static String inputsToJson(Map<String, Object> inputs) {
    try {
      return MAPPER.writeValueAsString(inputs);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("inputs are not JSON-serializable: " + e.getMessage(), e);
    }
  }

  private static Map<String, Object> inputsFromJson(String json) {
    try {
      return MAPPER.readValue(json, MAP);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("job inputs in the database are not JSON", e);
    }
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
