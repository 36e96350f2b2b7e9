package vernier.plugins.basic;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import vernier.spi.StudyView;
import vernier.spi.TrialState;
import vernier.spi.TrialView;

/**
 * The generational bookkeeping of {@code nsga2} and {@code nsga3}, rebuilt from the study so a
 * restart loses nothing: trial k belongs to generation {@code k / populationSize}; the parents of
 * generation g (g >= 1) are chosen by {@link Selection} from g-1's parents and g-1's succeeded
 * trials. Parents are cached once generation g-1 has finished, since they cannot change after that.
 */
final class Generations {

  /** Survival selection: at most {@code populationSize} of {@code pool}, for {@code generation}. */
  @FunctionalInterface
  interface Selection {
    List<TrialView> select(List<TrialView> pool, int generation);
  }

  private final Domination domination;
  private final int populationSize;
  private final Selection selection;
  private final Map<Integer, List<TrialView>> parents = new HashMap<>();

  Generations(Domination domination, int populationSize, Selection selection) {
    this.domination = domination;
    this.populationSize = populationSize;
    this.selection = selection;
  }

  /** The parents of the next trial's generation; empty for generation 0. */
  List<TrialView> parentsOfNext(StudyView view) {
    int generation = view.trials().size() / populationSize;
    return generation == 0 ? List.of() : parents(view, generation);
  }

  private List<TrialView> parents(StudyView view, int generation) {
    List<TrialView> cached = parents.get(generation);
    if (cached != null) {
      return cached;
    }
    List<TrialView> pool =
        new ArrayList<>(generation > 1 ? parents(view, generation - 1) : List.of());
    List<? extends TrialView> trials = view.trials();
    for (int k = (generation - 1) * populationSize;
        k < Math.min(trials.size(), generation * populationSize);
        k++) {
      TrialView t = trials.get(k);
      if (t.state() == TrialState.SUCCEEDED && domination.hasAllObjectives(t)) {
        pool.add(t);
      }
    }
    List<TrialView> selected = selection.select(pool, generation);
    if (isComplete(trials, generation)) {
      parents.put(generation, selected); // a later trial of g-1 may still finish otherwise
    }
    return selected;
  }

  private boolean isComplete(List<? extends TrialView> trials, int generation) {
    for (int k = (generation - 1) * populationSize; k < generation * populationSize; k++) {
      if (k >= trials.size() || !trials.get(k).state().isFinished()) {
        return false;
      }
    }
    return true;
  }
}
