package vernier.spi;

/** Which way an objective or metric is better. */
public enum Direction {
  MINIMIZE,
  MAXIMIZE;

  /** Whether {@code a} is strictly better than {@code b}; NaN is never better. */
  public boolean isBetter(double a, double b) {
    return this == MINIMIZE ? a < b : a > b;
  }

  /** The value as a loss: itself when minimizing, negated when maximizing. */
  public double toLoss(double value) {
    return this == MINIMIZE ? value : -value;
  }
}
