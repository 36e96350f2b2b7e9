package vernier.spi;

import java.util.List;

/**
 * What a plugin is told about its study when created: the space, the objectives, the constraints,
 * the seed, and the study's trial budget ({@code maxTrials}, 0 when it has none), which lets a
 * sampler spend differently on a hundred trials than on an open-ended study.
 */
public record StudyDefinition(
    String name,
    SearchSpace space,
    List<Objective> objectives,
    List<Constraint> constraints,
    long seed,
    int maxTrials) {

  public StudyDefinition {
    objectives = List.copyOf(objectives);
    constraints = List.copyOf(constraints);
    if (maxTrials < 0) {
      throw new IllegalArgumentException(
          "maxTrials must be 0 (none) or positive, got " + maxTrials);
    }
  }

  /** A study without a trial budget (the form plugins written before the budget was known use). */
  public StudyDefinition(
      String name,
      SearchSpace space,
      List<Objective> objectives,
      List<Constraint> constraints,
      long seed) {
    this(name, space, objectives, constraints, seed, 0);
  }

  public boolean isMultiObjective() {
    return objectives.size() > 1;
  }

  /** Whether the study has a budget and it is at most {@code trials}. */
  public boolean budgetAtMost(int trials) {
    return maxTrials > 0 && maxTrials <= trials;
  }
}
