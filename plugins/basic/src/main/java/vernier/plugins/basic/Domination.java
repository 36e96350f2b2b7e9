package vernier.plugins.basic;

import java.util.ArrayList;
import java.util.List;
import vernier.spi.Constraint;
import vernier.spi.Objective;
import vernier.spi.Pareto;
import vernier.spi.StudyDefinition;
import vernier.spi.TrialView;

/**
 * Constrained domination (Deb et al. 2002), shared by {@code nsga2} and {@code nsga3}: a feasible
 * trial dominates an infeasible one, of two infeasible ones the smaller total violation wins, and
 * two feasible ones compare by Pareto domination of their losses.
 */
final class Domination {

  private final List<Objective> objectives;
  private final List<Constraint> constraints;

  Domination(StudyDefinition study) {
    this.objectives = study.objectives();
    this.constraints = study.constraints();
  }

  boolean dominates(TrialView a, TrialView b) {
    double va = violation(a);
    double vb = violation(b);
    if (va > 0 || vb > 0) {
      return va < vb;
    }
    return Pareto.dominates(losses(a), losses(b));
  }

  /** Non-dominated fronts, best first; each front keeps the order of {@code pool}. */
  List<List<TrialView>> fronts(List<TrialView> pool) {
    List<List<TrialView>> fronts = new ArrayList<>();
    List<TrialView> remaining = new ArrayList<>(pool);
    while (!remaining.isEmpty()) {
      List<TrialView> front = new ArrayList<>();
      for (TrialView a : remaining) {
        if (remaining.stream().noneMatch(b -> b != a && dominates(b, a))) {
          front.add(a);
        }
      }
      remaining.removeAll(front);
      fronts.add(front);
    }
    return fronts;
  }

  /** Whether the trial told every objective, so it can be ranked. */
  boolean hasAllObjectives(TrialView t) {
    return objectives.stream().allMatch(o -> t.value(o.metric()).isPresent());
  }

  /** The trial's objective values as losses (smaller is better), in objective order. */
  double[] losses(TrialView t) {
    double[] out = new double[objectives.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = loss(t, objectives.get(i));
    }
    return out;
  }

  private double violation(TrialView t) {
    double total = 0;
    for (Constraint c : constraints) {
      total += c.violation(t.value(c.metric()).orElse(Double.NaN));
    }
    return total;
  }

  static double loss(TrialView t, Objective o) {
    return o.direction().toLoss(t.value(o.metric()).orElse(Double.NaN));
  }
}
