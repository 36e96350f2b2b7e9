package vernier.plugins.basic;

import java.util.ArrayList;
import java.util.List;
import vernier.spi.CategoricalDomain;
import vernier.spi.Domain;
import vernier.spi.FloatDomain;
import vernier.spi.IntDomain;
import vernier.spi.ParamValue;

/** The grid values of each kind of domain. */
final class GridValues {

  private GridValues() {}

  /**
   * The grid values of a domain: every value of a stepped or integer domain (evenly thinned to at
   * most {@code resolution} when larger), {@code resolution} evenly spaced points (in log space
   * when log) of a continuous one, every choice of a categorical one.
   */
  static List<ParamValue> gridValues(Domain domain, int resolution) {
    if (domain instanceof FloatDomain f) {
      return floatGrid(f, resolution);
    }
    if (domain instanceof IntDomain i) {
      return intGrid(i, resolution);
    }
    return ((CategoricalDomain) domain).choices();
  }

  private static List<ParamValue> intGrid(IntDomain i, int resolution) {
    List<ParamValue> values = new ArrayList<>();
    if (i.size() <= resolution) {
      for (long v = i.min(); v <= i.max(); v += i.step()) {
        values.add(ParamValue.of(v));
      }
      return values;
    }
    for (int k = 0; k < resolution; k++) {
      double t = k / (double) (resolution - 1);
      double x =
          i.log()
              ? Math.exp(lerp(Math.log(i.min()), Math.log(i.max()), t))
              : lerp(i.min(), i.max(), t);
      ParamValue v = ParamValue.of(i.snap(x));
      if (!values.contains(v)) {
        values.add(v);
      }
    }
    return values;
  }

  private static List<ParamValue> floatGrid(FloatDomain f, int resolution) {
    List<ParamValue> values = new ArrayList<>();
    if (f.hasStep() && f.stepCount() <= resolution) {
      for (long k = 0; k < f.stepCount(); k++) {
        values.add(ParamValue.of(f.snap(f.min() + k * f.step())));
      }
      return values;
    }
    for (int k = 0; k < resolution; k++) {
      double t = resolution == 1 ? 0.5 : k / (double) (resolution - 1);
      double x =
          f.log()
              ? Math.exp(lerp(Math.log(f.min()), Math.log(f.max()), t))
              : lerp(f.min(), f.max(), t);
      ParamValue v = ParamValue.of(f.snap(x));
      if (!values.contains(v)) {
        values.add(v);
      }
    }
    return values;
  }

  private static double lerp(double a, double b, double t) {
    return a + (b - a) * t;
  }
}
