package vernier.spi;

import java.util.Map;
import java.util.Optional;

/**
 * What a sampler answers: parameters for a new trial, that there is nothing to suggest now, or that
 * its space is exhausted.
 */
public sealed interface Suggestion
    permits Suggestion.Params, Suggestion.Wait, Suggestion.Exhausted {

  static Suggestion of(Map<String, ParamValue> params) {
    return new Params(params);
  }

  static Suggestion exhausted() {
    return Exhausted.INSTANCE;
  }

  /** Nothing to suggest until running trials finish; the worker is told to wait and ask again. */
  static Suggestion waitForRunningTrials() {
    return Wait.INSTANCE;
  }

  /**
   * Values for every active parameter (the server checks them against the space), and for
   * population-based training: the checkpoint the trial starts from, the step it trains until (0:
   * the worker decides), and labels stored on the trial (e.g. which population member it is). A
   * label key is namespaced by the sampler that sets it, {@code <sampler name>.<key>} (e.g. {@code
   * pbt.member}); keys in a sampler's namespace are reserved: workers cannot set them, and a retry
   * repeats only them.
   */
  record Params(
      Map<String, ParamValue> values,
      Optional<Checkpoint> startFrom,
      long maxStep,
      Map<String, String> labels)
      implements Suggestion {

    public Params {
      values = Map.copyOf(values);
      labels = Map.copyOf(labels);
      if (maxStep < 0
          || startFrom.isPresent() && maxStep != 0 && maxStep <= startFrom.get().step()) {
        throw new IllegalArgumentException(
            "max step " + maxStep + " must be 0 or after the start " + startFrom);
      }
    }

    public Params(Map<String, ParamValue> values) {
      this(values, Optional.empty(), 0, Map.of());
    }
  }

  /** Nothing to suggest now (e.g. every population member is training); more may come later. */
  enum Wait implements Suggestion {
    INSTANCE
  }

  /** No new point remains (e.g. every grid point was handed out). */
  enum Exhausted implements Suggestion {
    INSTANCE
  }
}
