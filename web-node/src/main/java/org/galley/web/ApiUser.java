package org.galley.web;

/** A row of {@code api_user}; the key itself is never kept, only its hash. */
public record ApiUser(long id, String name, boolean admin) {}
