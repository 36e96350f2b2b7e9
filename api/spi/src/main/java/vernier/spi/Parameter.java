package vernier.spi;

import java.util.Objects;
import java.util.Optional;

/** A named hyperparameter: its domain and, for conditional parameters, when it is active. */
public record Parameter(String name, Domain domain, Optional<Condition> condition) {

  public Parameter {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(condition, "condition");
  }

  public static Parameter of(String name, Domain domain) {
    return new Parameter(name, domain, Optional.empty());
  }

  public static Parameter conditional(String name, Domain domain, Condition condition) {
    return new Parameter(name, domain, Optional.of(condition));
  }
}
