package vernier.spi;

import java.util.List;

/**
 * What a plugin is told about its study when created: the space, the objectives, the constraints
 * and the seed.
 */
public record StudyDefinition(
    String name,
    SearchSpace space,
    List<Objective> objectives,
    List<Constraint> constraints,
    long seed) {

  public StudyDefinition {
    objectives = List.copyOf(objectives);
    constraints = List.copyOf(constraints);
  }

  public boolean isMultiObjective() {
    return objectives.size() > 1;
  }
}
