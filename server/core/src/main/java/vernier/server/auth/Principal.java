package vernier.server.auth;

import java.util.List;

/**
 * Who is calling: a token's name, role and the study-id prefixes it may touch (empty: every study).
 */
public record Principal(String name, Role role, List<String> prefixes) {

  public Principal {
    prefixes = List.copyOf(prefixes);
  }

  /** Whether this caller may see (and, with its role, touch) study {@code studyId}. */
  public boolean sees(String studyId) {
    return prefixes.isEmpty() || prefixes.stream().anyMatch(studyId::startsWith);
  }

  /** For messages: "token 'alice' (worker, studies team-a-*)". */
  public String describe() {
    return "token '"
        + name
        + "' ("
        + role.label()
        + (prefixes.isEmpty()
            ? ""
            : ", studies " + String.join(", ", prefixes.stream().map(p -> p + "*").toList()))
        + ")";
  }
}
