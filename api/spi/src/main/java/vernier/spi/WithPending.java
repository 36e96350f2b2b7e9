package vernier.spi;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A study seen with the suggestions made so far in a batch added as running trials: what {@link
 * Sampler#suggestBatch} shows each call, and what a sampler overriding it can use for the same
 * purpose (a liar over the points already picked).
 */
public final class WithPending implements StudyView {

  private final StudyView study;
  private final List<TrialView> pending = new ArrayList<>();

  public WithPending(StudyView study) {
    this.study = study;
  }

  /** Adds a suggestion of the batch as a running trial with the next free number. */
  public void add(Suggestion.Params suggestion) {
    pending.add(new PendingTrial(study.trials().size() + pending.size(), suggestion));
  }

  /** The suggestions added so far, as running trials. */
  public List<TrialView> pending() {
    return Collections.unmodifiableList(pending);
  }

  @Override
  public StudyDefinition definition() {
    return study.definition();
  }

  @Override
  public List<? extends TrialView> trials() {
    return joined(study.trials());
  }

  @Override
  public List<? extends TrialView> trials(TrialState state) {
    return state == TrialState.ACTIVE ? joined(study.trials(state)) : study.trials(state);
  }

  /**
   * The study's trials followed by the pending ones, as a view: a sampler may ask for the list at
   * every call of a batch, so it is not copied (neither list changes during a call).
   */
  private List<TrialView> joined(List<? extends TrialView> trials) {
    if (pending.isEmpty()) {
      return Collections.unmodifiableList(trials);
    }
    return new AbstractList<>() {
      @Override
      public TrialView get(int index) {
        return index < trials.size() ? trials.get(index) : pending.get(index - trials.size());
      }

      @Override
      public int size() {
        return trials.size() + pending.size();
      }
    };
  }

  private record PendingTrial(long number, Suggestion.Params suggestion) implements TrialView {
    private static final NavigableMap<Long, Double> NONE =
        Collections.unmodifiableNavigableMap(new TreeMap<>());

    @Override
    public TrialState state() {
      return TrialState.ACTIVE;
    }

    @Override
    public Map<String, ParamValue> params() {
      return suggestion.values();
    }

    @Override
    public Map<String, Double> values() {
      return Map.of();
    }

    @Override
    public NavigableMap<Long, Double> intermediate(String metric) {
      return NONE;
    }

    @Override
    public long lastStep() {
      return -1;
    }

    @Override
    public int attempt() {
      return 1;
    }

    @Override
    public boolean feasible() {
      return false;
    }

    @Override
    public Optional<Checkpoint> startFrom() {
      return suggestion.startFrom();
    }

    @Override
    public long maxStep() {
      return suggestion.maxStep();
    }

    @Override
    public Map<String, String> labels() {
      return suggestion.labels();
    }
  }
}
