package vernier.spi;

import java.util.List;

/**
 * A read-only, indexed view of a study, kept up to date in memory by the server. Plugins are called
 * from one thread per study and must not keep the lists beyond a call (they are live views).
 */
public interface StudyView {

  StudyDefinition definition();

  /** Every trial in number order, including the running and waiting ones. */
  List<? extends TrialView> trials();

  /** Trials in {@code state}, in number order. */
  List<? extends TrialView> trials(TrialState state);

  /**
   * Trials being evaluated now (ACTIVE), whose parameters are taken but whose results are unknown.
   */
  default List<? extends TrialView> running() {
    return trials(TrialState.ACTIVE);
  }

  /** The trials that have finished with values: SUCCEEDED. */
  default List<? extends TrialView> completed() {
    return trials(TrialState.SUCCEEDED);
  }
}
