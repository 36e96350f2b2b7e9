package vernier.plugins.gp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import vernier.spi.CategoricalDomain;
import vernier.spi.Domain;
import vernier.spi.FloatDomain;
import vernier.spi.IntDomain;
import vernier.spi.ParamValue;
import vernier.spi.Parameter;
import vernier.spi.SearchSpace;
import vernier.spi.UnitInterval;

/**
 * The model's coordinates: one per unconditional parameter. A numeric parameter lives in [0, 1]
 * (its unit interval, log-scaled where the domain is); a categorical one holds its choice's index,
 * which the kernel compares only for equality. Integer and stepped values are always on their grid,
 * so the model is never asked about a point that cannot be suggested.
 */
final class Encoding {

  private final List<Parameter> dims = new ArrayList<>();

  Encoding(SearchSpace space) {
    for (Parameter p : space.parameters()) {
      if (p.condition().isEmpty()) {
        dims.add(p);
      }
    }
  }

  int size() {
    return dims.size();
  }

  List<Parameter> parameters() {
    return dims;
  }

  boolean isCategorical(int i) {
    return dims.get(i).domain() instanceof CategoricalDomain;
  }

  boolean[] categoricalMask() {
    boolean[] mask = new boolean[dims.size()];
    for (int i = 0; i < mask.length; i++) {
      mask[i] = isCategorical(i);
    }
    return mask;
  }

  /** Choices of a categorical coordinate. */
  int choiceCount(int i) {
    return ((CategoricalDomain) dims.get(i).domain()).choices().size();
  }

  /**
   * A trial's point, or null when it lacks one of the coordinates (e.g. enqueued with fewer
   * params).
   */
  double[] encode(Map<String, ParamValue> params) {
    double[] x = new double[dims.size()];
    for (int i = 0; i < x.length; i++) {
      Parameter p = dims.get(i);
      ParamValue v = params.get(p.name());
      if (v == null || !p.domain().contains(v)) {
        return null;
      }
      x[i] =
          p.domain() instanceof CategoricalDomain c
              ? c.indexOf(v)
              : UnitInterval.toUnit(p.domain(), v.asDouble());
    }
    return x;
  }

  ParamValue decode(int i, double coordinate) {
    Domain domain = dims.get(i).domain();
    return domain instanceof CategoricalDomain c
        ? c.choices().get((int) coordinate)
        : UnitInterval.fromUnit(domain, coordinate);
  }

  /**
   * The coordinate of the suggestable value nearest to {@code u} (the identity on continuous
   * floats).
   */
  double snap(int i, double u) {
    Domain domain = dims.get(i).domain();
    if (domain instanceof CategoricalDomain || isContinuous(domain)) {
      return Math.min(1, Math.max(0, u));
    }
    return UnitInterval.toUnit(domain, decode(i, u).asDouble());
  }

  /**
   * The next grid point up ({@code direction} 1) or down (-1) from a discrete coordinate, or the
   * coordinate itself at the end of the range.
   */
  double neighbour(int i, double u, int direction) {
    Domain domain = dims.get(i).domain();
    double value = decode(i, u).asDouble();
    if (domain instanceof IntDomain d) {
      return UnitInterval.toUnit(d, d.snap(value + direction * d.step()));
    }
    FloatDomain f = (FloatDomain) domain;
    return UnitInterval.toUnit(f, f.snap(value + direction * f.step()));
  }

  boolean isDiscrete(int i) {
    Domain domain = dims.get(i).domain();
    return !(domain instanceof CategoricalDomain) && !isContinuous(domain);
  }

  double[] random(RandomGenerator random) {
    double[] x = new double[dims.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = isCategorical(i) ? random.nextInt(choiceCount(i)) : snap(i, random.nextDouble());
    }
    return x;
  }

  private static boolean isContinuous(Domain domain) {
    return domain instanceof FloatDomain f && !f.hasStep();
  }
}
