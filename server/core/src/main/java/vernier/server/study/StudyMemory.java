package vernier.server.study;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import vernier.spi.StudyDefinition;
import vernier.spi.StudyView;
import vernier.spi.TrialState;
import vernier.spi.TrialView;

/**
 * The in-memory trials of one study, indexed by number and by state: what samplers and pruners see.
 * Trial numbers are dense from 0, so the number is the index.
 */
final class StudyMemory implements StudyView {

  private final StudyDefinition definition;
  private final List<TrialRecord> trials = new ArrayList<>();
  private final Map<TrialState, TreeMap<Long, TrialRecord>> byState =
      new EnumMap<>(TrialState.class);

  StudyMemory(StudyDefinition definition) {
    this.definition = definition;
    for (TrialState s : TrialState.values()) {
      byState.put(s, new TreeMap<>());
    }
  }

  void add(TrialRecord trial) {
    if (trial.number() != trials.size()) {
      throw new IllegalStateException(
          "trial " + trial.number() + " added out of order; expected " + trials.size());
    }
    trials.add(trial);
    byState.get(trial.state()).put(trial.number(), trial);
    trial.indexedBy(this::moved);
  }

  private void moved(TrialRecord trial, TrialState from) {
    byState.get(from).remove(trial.number());
    byState.get(trial.state()).put(trial.number(), trial);
  }

  /**
   * The study as it is now, for a sampler running on another thread: finished trials are shared
   * (they never change), the others copied.
   */
  StudyView snapshot() {
    List<TrialView> all = new ArrayList<>(trials.size());
    Map<TrialState, List<TrialView>> states = new EnumMap<>(TrialState.class);
    for (TrialState s : TrialState.values()) {
      states.put(s, new ArrayList<>(byState.get(s).size()));
    }
    for (TrialRecord t : trials) {
      TrialView v = t.snapshot();
      all.add(v);
      states.get(v.state()).add(v);
    }
    return new Snapshot(definition, List.copyOf(all), states);
  }

  private record Snapshot(
      StudyDefinition definition, List<TrialView> trials, Map<TrialState, List<TrialView>> states)
      implements StudyView {
    @Override
    public List<TrialView> trials(TrialState state) {
      return Collections.unmodifiableList(states.get(state));
    }
  }

  TrialRecord get(long number) {
    return number >= 0 && number < trials.size() ? trials.get((int) number) : null;
  }

  long nextNumber() {
    return trials.size();
  }

  int count(TrialState state) {
    return byState.get(state).size();
  }

  Collection<TrialRecord> inState(TrialState state) {
    return Collections.unmodifiableCollection(byState.get(state).values());
  }

  @Override
  public StudyDefinition definition() {
    return definition;
  }

  @Override
  public List<TrialRecord> trials() {
    return Collections.unmodifiableList(trials);
  }

  @Override
  public List<TrialRecord> trials(TrialState state) {
    return List.copyOf(byState.get(state).values());
  }
}
