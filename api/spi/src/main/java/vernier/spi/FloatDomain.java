package vernier.spi;

/**
 * Real values in {@code [min, max]}.
 *
 * <p>Invariants: {@code min < max}, both finite; {@code log} implies {@code min > 0}; when {@code
 * step} is positive, {@code (max - min)} is a whole multiple of it and values are {@code min + k *
 * step}. A {@code step} of 0 means continuous.
 */
public record FloatDomain(double min, double max, boolean log, double step) implements Domain {

  /** Relative tolerance used when checking that a value lies on the step grid. */
  private static final double STEP_TOLERANCE = 1e-9;

  public static FloatDomain continuous(double min, double max) {
    return new FloatDomain(min, max, false, 0);
  }

  public static FloatDomain logScale(double min, double max) {
    return new FloatDomain(min, max, true, 0);
  }

  public boolean hasStep() {
    return step > 0;
  }

  /** The number of grid points when stepped; 0 when continuous. */
  public long stepCount() {
    return hasStep() ? Math.round((max - min) / step) + 1 : 0;
  }

  /** Rounds {@code value} to the nearest legal value (clamped, and on the step grid if any). */
  public double snap(double value) {
    double clamped = Math.min(max, Math.max(min, value));
    if (!hasStep()) {
      return clamped;
    }
    double snapped = min + Math.round((clamped - min) / step) * step;
    return Math.min(max, snapped);
  }

  @Override
  public boolean contains(ParamValue value) {
    if (!(value instanceof ParamValue.DoubleValue d)) {
      return false;
    }
    double v = d.value();
    if (!(v >= min && v <= max)) {
      return false;
    }
    if (!hasStep()) {
      return true;
    }
    double k = (v - min) / step;
    return Math.abs(k - Math.rint(k)) <= STEP_TOLERANCE * Math.max(1, Math.abs(k));
  }

  @Override
  public String describe() {
    return "float["
        + min
        + ", "
        + max
        + "]"
        + (log ? " log" : "")
        + (hasStep() ? " step " + step : "");
  }
}
