package vernier.spi;

import java.util.List;

/**
 * Maps domains onto [0, 1] and back, for samplers that work in the unit cube (quasi-random
 * sequences, evolution strategies). Log scales map their logarithm; integers and stepped floats are
 * equal-width bins (value ± step/2), so every legal value gets the same share of the interval;
 * categories are equal slices.
 */
public final class UnitInterval {

  private UnitInterval() {}

  /** The legal value at position {@code u} in [0, 1]. */
  public static ParamValue fromUnit(Domain domain, double u) {
    double t = Math.min(1, Math.max(0, u));
    if (domain instanceof CategoricalDomain c) {
      List<ParamValue> choices = c.choices();
      return choices.get(Math.min(choices.size() - 1, (int) (t * choices.size())));
    }
    double[] axis = axis(domain);
    double v = axis[0] + t * (axis[1] - axis[0]);
    double x = isLog(domain) ? Math.exp(v) : v;
    return domain instanceof FloatDomain f
        ? ParamValue.of(f.snap(x))
        : ParamValue.of(((IntDomain) domain).snap(x));
  }

  /** The position of a numeric value in [0, 1] (the centre of its bin for discrete domains). */
  public static double toUnit(Domain domain, double value) {
    double[] axis = axis(domain);
    double v = isLog(domain) ? Math.log(value) : value;
    return Math.min(1, Math.max(0, (v - axis[0]) / (axis[1] - axis[0])));
  }

  private static boolean isLog(Domain domain) {
    return domain instanceof FloatDomain f ? f.log() : domain instanceof IntDomain i && i.log();
  }

  /** The ends of the axis the interval is laid on. */
  private static double[] axis(Domain domain) {
    if (domain instanceof FloatDomain f) {
      double half = f.hasStep() ? f.step() / 2 : 0;
      return f.log()
          ? new double[] {Math.log(f.min()), Math.log(f.max())}
          : new double[] {f.min() - half, f.max() + half};
    }
    IntDomain i = (IntDomain) domain;
    return i.log()
        ? new double[] {Math.log(i.min() - 0.5), Math.log(i.max() + 0.5)}
        : new double[] {i.min() - i.step() / 2.0, i.max() + i.step() / 2.0};
  }
}
