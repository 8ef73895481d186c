package org.galley.web.auth;

/**
 * Who sent a request, as established from its API key. The configured admin key acts as the
 * user {@value #ADMIN_NAME}; admins see and cancel every user's jobs.
 */
public record Caller(String name, boolean admin) {
  public static final String ADMIN_NAME = "admin";

  static Caller of(ApiUser user) {
    return new Caller(user.name(), user.admin());
  }

  /** Whether this caller may see the jobs of {@code owner}. */
  public boolean maySee(String owner) {
    return admin || name.equals(owner);
  }
}
