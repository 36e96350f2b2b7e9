package vernier.spi;

import java.util.random.RandomGenerator;

/**
 * Uniform draws from a domain, for samplers' random start-up and fall-backs: log-uniform on log
 * scales, uniform over the grid of stepped domains, uniform over choices.
 */
public final class Uniform {

  private Uniform() {}

  public static ParamValue sample(Domain domain, RandomGenerator random) {
    if (domain instanceof FloatDomain f) {
      return ParamValue.of(sampleFloat(f, random));
    }
    if (domain instanceof IntDomain i) {
      return ParamValue.of(sampleInt(i, random));
    }
    CategoricalDomain c = (CategoricalDomain) domain;
    return c.choices().get(random.nextInt(c.choices().size()));
  }

  private static double sampleFloat(FloatDomain f, RandomGenerator random) {
    if (f.hasStep()) {
      return f.min() + random.nextLong(f.stepCount()) * f.step();
    }
    if (f.log()) {
      return Math.min(f.max(), Math.exp(random.nextDouble(Math.log(f.min()), Math.log(f.max()))));
    }
    return random.nextDouble(f.min(), f.max());
  }

  private static long sampleInt(IntDomain i, RandomGenerator random) {
    if (i.log()) {
      // Uniform in log space over [min - 0.5, max + 0.5] so the end points get their share.
      return i.snap(Math.exp(random.nextDouble(Math.log(i.min() - 0.5), Math.log(i.max() + 0.5))));
    }
    return i.min() + random.nextLong(i.size()) * i.step();
  }
}
