package org.galley.core.job;

import java.sql.SQLException;

/** A database call failed; the statement changed nothing it reported. */
public final class StoreException extends RuntimeException {
  public StoreException(SQLException cause) {
    super(cause.getMessage(), cause);
  }
}
