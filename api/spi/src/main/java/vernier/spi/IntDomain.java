package vernier.spi;

/**
 * Integers in {@code [min, max]} on the grid {@code min + k * step}.
 *
 * <p>Invariants: {@code min < max}; {@code step >= 1} and divides {@code max - min}; {@code log}
 * implies {@code min > 0} and {@code step == 1}.
 */
public record IntDomain(long min, long max, boolean log, long step) implements Domain {

  public static IntDomain range(long min, long max) {
    return new IntDomain(min, max, false, 1);
  }

  /** The number of legal values. */
  public long size() {
    return (max - min) / step + 1;
  }

  /** Rounds {@code value} to the nearest legal integer. */
  public long snap(double value) {
    double clamped = Math.min(max, Math.max(min, value));
    long k = Math.round((clamped - min) / step);
    return Math.min(max, min + k * step);
  }

  @Override
  public boolean contains(ParamValue value) {
    return value instanceof ParamValue.IntValue i
        && i.value() >= min
        && i.value() <= max
        && (i.value() - min) % step == 0;
  }

  @Override
  public String describe() {
    return "int["
        + min
        + ", "
        + max
        + "]"
        + (log ? " log" : "")
        + (step != 1 ? " step " + step : "");
  }
}
