package vernier.server.auth;

import java.util.Arrays;
import java.util.Locale;

/**
 * What a token may do. {@code viewer} reads studies, trials and metrics; {@code worker} also asks,
 * reports and tells; {@code admin} also creates, enqueues, imports, exports, restores, pauses,
 * resumes, stops and deletes. {@code metrics} may only scrape {@code /metrics} (for Prometheus).
 */
public enum Role {
  METRICS,
  VIEWER,
  WORKER,
  ADMIN;

  /** Whether a token of this role may do what needs {@code needed}. */
  public boolean allows(Role needed) {
    if (needed == METRICS) {
      return true; // every role may scrape
    }
    return this != METRICS && ordinal() >= needed.ordinal();
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @throws IllegalArgumentException naming the valid roles
   */
  public static Role parse(String text) {
    for (Role r : values()) {
      if (r.label().equals(text)) {
        return r;
      }
    }
    throw new IllegalArgumentException(
        "'"
            + text
            + "' is not a role; one of "
            + String.join(", ", Arrays.stream(values()).map(Role::label).toList()));
  }
}
