package vernier.plugins.basic;

import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.random.HaltonSequenceGenerator;
import org.apache.commons.math3.random.RandomVectorGenerator;
import org.apache.commons.math3.random.SobolSequenceGenerator;
import vernier.spi.Parameter;
import vernier.spi.Sampler;
import vernier.spi.SamplingContext;
import vernier.spi.SearchSpace;
import vernier.spi.StudyView;
import vernier.spi.Suggestion;
import vernier.spi.UnitInterval;

/**
 * Quasi-random search: the i-th trial gets the i-th point of a low-discrepancy sequence, one
 * dimension per parameter (inactive conditional parameters skip theirs), so the space is covered
 * more evenly than by independent draws. Sobol: Sobol', "On the distribution of points in a cube
 * and the approximate evaluation of integrals", 1967 (Joe and Kuo's direction numbers, via Commons
 * Math), randomised by a seeded digital shift (XOR of each coordinate's bits), which keeps its
 * stratification. Halton: Halton, "On the efficiency of certain quasi-random sequences of points in
 * evaluating multi-dimensional integrals", 1960 (with Commons Math's permuted digits), randomised
 * by a seeded Cranley-Patterson rotation. Coordinates become values through {@link UnitInterval}.
 * The sequence index is the number of trials in the study, so enqueued and imported trials take a
 * point too and a restart continues where it was.
 */
final class QmcSampler implements Sampler {

  private static final double TWO_TO_52 = 0x1p52;

  private final SearchSpace space;
  private final boolean sobol;
  private final long[] shifts;
  private final double[] rotations;

  QmcSampler(SearchSpace space, boolean sobol, boolean scramble, long seed) {
    this.space = space;
    this.sobol = sobol;
    int d = space.parameters().size();
    SplittableRandom random = new SplittableRandom(seed);
    shifts = new long[d];
    rotations = new double[d];
    for (int i = 0; i < d && scramble; i++) {
      shifts[i] = random.nextLong() & ((1L << 52) - 1);
      rotations[i] = random.nextDouble();
    }
  }

  @Override
  public Suggestion suggest(StudyView study, SamplingContext context) {
    double[] u = point(study.trials().size());
    List<Parameter> params = space.parameters();
    return Suggestion.of(
        space.assign((p, assigned) -> UnitInterval.fromUnit(p.domain(), u[params.indexOf(p)])));
  }

  /** The randomised point of index {@code index}, each coordinate in [0, 1). */
  double[] point(int index) {
    int d = shifts.length;
    RandomVectorGenerator generator =
        sobol ? new SobolSequenceGenerator(d) : new HaltonSequenceGenerator(d);
    double[] raw =
        sobol
            ? ((SobolSequenceGenerator) generator).skipTo(index)
            : ((HaltonSequenceGenerator) generator).skipTo(index);
    double[] u = new double[d];
    for (int i = 0; i < d; i++) {
      if (sobol) {
        long bits = (long) (raw[i] * TWO_TO_52) ^ shifts[i];
        u[i] = bits / TWO_TO_52;
      } else {
        double shifted = raw[i] + rotations[i];
        u[i] = shifted - Math.floor(shifted);
      }
    }
    return u;
  }
}
