package vernier.spi;

import java.util.Map;

/** What a sampler answers: parameters for a new trial, or that its space is exhausted. */
public sealed interface Suggestion permits Suggestion.Params, Suggestion.Exhausted {

  static Suggestion of(Map<String, ParamValue> params) {
    return new Params(params);
  }

  static Suggestion exhausted() {
    return Exhausted.INSTANCE;
  }

  /** Values for every active parameter. The server checks them against the space. */
  record Params(Map<String, ParamValue> values) implements Suggestion {
    public Params {
      values = Map.copyOf(values);
    }
  }

  /** No new point remains (e.g. every grid point was handed out). */
  enum Exhausted implements Suggestion {
    INSTANCE
  }
}
