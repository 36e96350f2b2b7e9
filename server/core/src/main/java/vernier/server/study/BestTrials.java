package vernier.server.study;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import vernier.spi.Objective;
import vernier.spi.StudyDefinition;
import vernier.spi.TrialState;

/**
 * The best feasible trial of a single-objective study, or the Pareto-optimal feasible trials of a
 * multi-objective one (no other trial at least as good in every objective and better in one).
 */
final class BestTrials {

  private BestTrials() {}

  static List<TrialRecord> of(StudyMemory memory) {
    StudyDefinition d = memory.definition();
    List<TrialRecord> feasible =
        memory.inState(TrialState.SUCCEEDED).stream().filter(TrialRecord::feasible).toList();
    if (feasible.isEmpty()) {
      return List.of();
    }
    if (!d.isMultiObjective()) {
      Objective o = d.objectives().get(0);
      Comparator<TrialRecord> byLoss =
          Comparator.comparingDouble(t -> o.direction().toLoss(t.values().get(o.metric())));
      return List.of(
          feasible.stream().min(byLoss.thenComparingLong(TrialRecord::number)).orElseThrow());
    }
    List<TrialRecord> front = new ArrayList<>();
    for (TrialRecord t : feasible) {
      if (feasible.stream().noneMatch(other -> dominates(d, other, t))) {
        front.add(t);
      }
    }
    return front;
  }

  private static boolean dominates(StudyDefinition d, TrialRecord a, TrialRecord b) {
    boolean strictly = false;
    for (Objective o : d.objectives()) {
      double la = o.direction().toLoss(a.values().get(o.metric()));
      double lb = o.direction().toLoss(b.values().get(o.metric()));
      if (la > lb) {
        return false;
      }
      strictly |= la < lb;
    }
    return strictly;
  }
}
