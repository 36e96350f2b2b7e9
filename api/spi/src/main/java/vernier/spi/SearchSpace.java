package vernier.spi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parameters of a study, parents before their conditional children.
 *
 * <p>The server guarantees that names are unique, every condition names an earlier parameter and
 * every condition value is in that parent's domain.
 */
public record SearchSpace(List<Parameter> parameters) {

  public SearchSpace {
    parameters = List.copyOf(parameters);
  }

  public static SearchSpace of(Parameter... parameters) {
    return new SearchSpace(List.of(parameters));
  }

  public Optional<Parameter> parameter(String name) {
    return parameters.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** Whether any parameter is conditional. */
  public boolean isConditional() {
    return parameters.stream().anyMatch(p -> p.condition().isPresent());
  }

  /** Whether {@code parameter} is active given the values assigned to earlier parameters. */
  public static boolean isActive(Parameter parameter, Map<String, ParamValue> assigned) {
    return parameter
        .condition()
        .map(c -> assigned.containsKey(c.parent()) && c.values().contains(assigned.get(c.parent())))
        .orElse(true);
  }

  /**
   * Assigns every active parameter in order, asking {@code chooser} for each value. Conditional
   * parameters whose parent did not take an activating value are skipped.
   */
  public Map<String, ParamValue> assign(ValueChooser chooser) {
    Map<String, ParamValue> assigned = new LinkedHashMap<>();
    for (Parameter p : parameters) {
      if (isActive(p, assigned)) {
        assigned.put(p.name(), chooser.choose(p, assigned));
      }
    }
    return assigned;
  }

  /** The parameters active under a complete assignment. */
  public List<Parameter> activeParameters(Map<String, ParamValue> assignment) {
    List<Parameter> active = new ArrayList<>();
    for (Parameter p : parameters) {
      if (isActive(p, assignment)) {
        active.add(p);
      }
    }
    return active;
  }

  /** Picks one parameter's value during {@link #assign}. */
  @FunctionalInterface
  public interface ValueChooser {
    ParamValue choose(Parameter parameter, Map<String, ParamValue> assignedSoFar);
  }
}
