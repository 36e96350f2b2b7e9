package vernier.spi.testkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import vernier.spi.ParamValue;
import vernier.spi.StudyDefinition;
import vernier.spi.StudyView;
import vernier.spi.Suggestion;
import vernier.spi.TrialState;

/** A plain list-backed {@link StudyView} for plugin tests; the server has its own indexed one. */
public final class SimpleStudy implements StudyView {

  private final StudyDefinition definition;
  private final List<SimpleTrial> trials = new ArrayList<>();

  public SimpleStudy(StudyDefinition definition) {
    this.definition = definition;
  }

  /** Adds an ACTIVE trial with the next number. */
  public SimpleTrial start(Map<String, ParamValue> params) {
    return start(new Suggestion.Params(params));
  }

  /**
   * Adds an ACTIVE trial as suggested: params, and the checkpoint, max step and labels it came
   * with.
   */
  public SimpleTrial start(Suggestion.Params suggestion) {
    SimpleTrial trial = new SimpleTrial(trials.size(), suggestion);
    trials.add(trial);
    return trial;
  }

  @Override
  public StudyDefinition definition() {
    return definition;
  }

  @Override
  public List<SimpleTrial> trials() {
    return Collections.unmodifiableList(trials);
  }

  @Override
  public List<SimpleTrial> trials(TrialState state) {
    return trials.stream().filter(t -> t.state() == state).toList();
  }
}
