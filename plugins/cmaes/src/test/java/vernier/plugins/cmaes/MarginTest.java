package vernier.plugins.cmaes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import vernier.spi.FloatDomain;
import vernier.spi.IntDomain;
import vernier.spi.UnitInterval;

final class MarginTest {

  private static final double ALPHA = 0.05;

  private static double below(double[] ms, double edge) {
    return Margin.phi((edge - ms[0]) / ms[1]);
  }

  private static double above(double[] ms, double edge) {
    return 1 - Margin.phi((edge - ms[0]) / ms[1]);
  }

  @Test
  void bins_ofAnInteger_areEqualSlicesOfTheUnitInterval() {
    Bins bins = new Bins(IntDomain.range(0, 9)); // ten values, each a tenth of [0, 1]
    assertThat(bins.edges(0.55)).containsExactly(new double[] {0.5, 0.6}, within(1e-12));
    assertThat(bins.edges(0.05)[0]).isNaN(); // the first value has no lower neighbour
    assertThat(bins.edges(0.05)[1]).isCloseTo(0.1, within(1e-12));
    assertThat(bins.edges(0.97)[1]).isNaN();
  }

  @Test
  void bins_ofLogAndSteppedDomains_endWhereDecodingChangesValue() {
    for (var domain :
        new vernier.spi.Domain[] {
          new IntDomain(1, 64, true, 1),
          new IntDomain(16, 256, false, 16),
          new FloatDomain(0.5, 0.99, false, 0.01),
          new FloatDomain(0.1, 10, true, 0.1)
        }) {
      Bins bins = new Bins(domain);
      for (int k = 0; k < 20; k++) {
        double u = 0.013 + 0.05 * k;
        double[] edges = bins.edges(u);
        double value = UnitInterval.fromUnit(domain, u).asDouble();
        assertThat(edges[0])
            .as("%s at %s", domain.describe(), u)
            .satisfiesAnyOf(e -> assertThat(e).isNaN(), e -> assertThat(e).isLessThanOrEqualTo(u));
        if (!Double.isNaN(edges[0])) {
          assertThat(UnitInterval.fromUnit(domain, edges[0] + 1e-9).asDouble()).isEqualTo(value);
          assertThat(UnitInterval.fromUnit(domain, edges[0] - 1e-9).asDouble()).isLessThan(value);
        }
        if (!Double.isNaN(edges[1])) {
          assertThat(UnitInterval.fromUnit(domain, edges[1] - 1e-9).asDouble()).isEqualTo(value);
          assertThat(UnitInterval.fromUnit(domain, edges[1] + 1e-9).asDouble())
              .isGreaterThan(value);
        }
      }
    }
  }

  @Test
  void correct_leavesAWideEnoughDistributionAlone() {
    assertThat(Margin.correct(0.53, 0.05, 0.5, 0.6, ALPHA)).containsExactly(0.53, 0.05);
  }

  @Test
  void correct_insideABin_liftsEachTailToHalfOfAlpha() {
    for (double m : new double[] {0.51, 0.55, 0.58}) {
      double[] corrected = Margin.correct(m, 1e-4, 0.5, 0.6, ALPHA);
      assertThat(below(corrected, 0.5)).isCloseTo(ALPHA / 2, within(1e-9));
      assertThat(above(corrected, 0.6)).isCloseTo(ALPHA / 2, within(1e-9));
      assertThat(corrected[0]).isCloseTo(0.55, within(1e-12)); // equal tails: centred in the bin
    }
  }

  @Test
  void correct_oneThinTail_isLiftedAndTheOtherKeepsAtLeastItsShare() {
    double[] corrected = Margin.correct(0.52, 0.01, 0.5, 0.6, ALPHA); // lower tail 2.3 %, upper 0
    assertThat(below(corrected, 0.5)).isGreaterThanOrEqualTo(ALPHA / 2 - 1e-9);
    assertThat(above(corrected, 0.6)).isCloseTo(ALPHA / 2, within(1e-9));
  }

  @Test
  void correct_atTheFirstValue_movesTheMeanUntilCrossingHasAlpha() {
    double[] corrected = Margin.correct(0.02, 0.001, Double.NaN, 0.1, ALPHA);
    assertThat(corrected[1]).isEqualTo(0.001); // the width is left to CMA-ES
    assertThat(above(corrected, 0.1)).isCloseTo(ALPHA, within(1e-9));
    double[] last = Margin.correct(0.98, 0.001, 0.9, Double.NaN, ALPHA);
    assertThat(below(last, 0.9)).isCloseTo(ALPHA, within(1e-9));
    assertThat(Margin.correct(0.09, 0.01, Double.NaN, 0.1, ALPHA))
        .containsExactly(0.09, 0.01); // 16 %: enough
  }

  @Test
  void correct_onAState_keepsEveryDiscreteCoordinateMoving() {
    Bins[] bins = {new Bins(IntDomain.range(0, 9)), null};
    Margin margin = new Margin(bins, ALPHA);
    double[] mean = {0.55, 0.3};
    margin.correct(mean, 1e-3, new double[] {1, 1});
    double[] spread = margin.spread(new double[] {0.55 + 1e-3, 0.3 + 1e-3}, mean);
    assertThat(spread[1]).isEqualTo(0.3 + 1e-3); // continuous: untouched
    double s = spread[0] - mean[0]; // a latent one standard deviation out, spread: A sigma sqrt(C)
    assertThat(Margin.phi((0.5 - mean[0]) / s) + 1 - Margin.phi((0.6 - mean[0]) / s))
        .isCloseTo(ALPHA, within(1e-9));
    // Read back through A, the mean's own bin lands on the latent mean, and the next bin just past
    // the 97.5 % quantile (1.96 latent standard deviations), where such samples came from: not 0.1
    // / 1e-3
    // = 100 standard deviations away, as its bin centre would be.
    double[] diagonal = {1, 1};
    assertThat(margin.unspread(new double[] {0.55, 0.3}, mean, 1e-3, diagonal)[0])
        .isCloseTo(mean[0], within(1e-9));
    double next =
        (margin.unspread(new double[] {0.65, 0.3}, mean, 1e-3, diagonal)[0] - mean[0]) / 1e-3;
    assertThat(next).isBetween(1.96, 3.0);
  }

  @Test
  void conditionalMean_isTheMeanOfTheNormalOverTheInterval() {
    assertThat(Margin.conditionalMean(0.5, 0.1, 0.4, 0.6))
        .isCloseTo(0.5, within(1e-12)); // symmetric
    assertThat(Margin.conditionalMean(0, 1, 0, Double.POSITIVE_INFINITY))
        .isCloseTo(Math.sqrt(2 / Math.PI), within(1e-9)); // half-normal
    assertThat(Margin.conditionalMean(0, 1e-3, 0.5, 0.6))
        .isEqualTo(0.5); // no mass: the nearest end
  }

  @Test
  void off_changesNothing() {
    Margin off = Margin.off(2);
    double[] x = {0.1, 1.3};
    assertThat(off.spread(x, new double[] {0.5, 0.5})).containsExactly(x);
    assertThat(off.unspread(x, new double[] {0.5, 0.5}, 0.2, new double[] {1, 1}))
        .containsExactly(x);
  }
}
