package vernier.spi;

import java.util.Set;

/** A parameter with a condition is active only when {@code parent} took one of {@code values}. */
public record Condition(String parent, Set<ParamValue> values) {

  public Condition {
    values = Set.copyOf(values);
  }
}
