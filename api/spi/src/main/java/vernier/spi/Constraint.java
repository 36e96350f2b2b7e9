package vernier.spi;

/**
 * A feasibility bound on a told metric: {@code lower <= value <= upper}; infinite bounds are open.
 */
public record Constraint(String metric, double lower, double upper) {

  public static Constraint atMost(String metric, double upper) {
    return new Constraint(metric, Double.NEGATIVE_INFINITY, upper);
  }

  public boolean isSatisfiedBy(double value) {
    return value >= lower && value <= upper;
  }

  /**
   * How far {@code value} is outside the bounds; 0 when satisfied. Used for constrained domination.
   */
  public double violation(double value) {
    if (Double.isNaN(value)) {
      return Double.POSITIVE_INFINITY;
    }
    return Math.max(0, Math.max(lower - value, value - upper));
  }
}
