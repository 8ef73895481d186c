package org.galley.web.auth;

import java.time.Instant;

/**
 * A row of {@code api_user}; the key itself is never kept, only its hash.
 *
 * @param hasKey whether a key is set (a revoked one leaves none)
 * @param disabled whether the user is refused whatever key it sends
 */
public record ApiUser(long id, String name, boolean admin, boolean hasKey, boolean disabled, Instant createTime) {}
