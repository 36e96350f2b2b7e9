package vernier.plugins.gp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

final class LogNormalMathTest {

  private static double directH(double z) {
    double pdf = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
    return pdf + z * LogNormalMath.cdf(z);
  }

  @Test
  void logH_matchesTheDirectFormulaWhereThatIsAccurate() {
    for (double z = -6; z <= 5; z += 0.25) {
      assertThat(LogNormalMath.logH(z))
          .as("z = %s", z)
          .isCloseTo(Math.log(directH(z)), within(1e-6));
    }
  }

  @Test
  void logH_staysFiniteAndDecreasingFarInTheTail() {
    double previous = LogNormalMath.logH(-10);
    for (double z = -11; z >= -60; z -= 1) {
      double v = LogNormalMath.logH(z);
      assertThat(v).as("z = %s", z).isFinite().isLessThan(previous);
      // h(z) ~ φ(z) / z² far in the tail
      assertThat(v)
          .isCloseTo(-0.5 * z * z - 0.5 * Math.log(2 * Math.PI) - 2 * Math.log(-z), within(0.05));
      previous = v;
    }
  }

  @Test
  void logCdf_matchesErfcAndExtendsIntoTheTail() {
    for (double z = -8; z <= 4; z += 0.5) {
      assertThat(LogNormalMath.logCdf(z)).isCloseTo(Math.log(LogNormalMath.cdf(z)), within(1e-8));
    }
    assertThat(LogNormalMath.logCdf(-50)).isFinite().isLessThan(-1250);
  }

  @Test
  void probabilityWithin_handlesOpenAndClosedIntervals() {
    assertThat(LogNormalMath.logProbabilityWithin(0, 1, Double.NEGATIVE_INFINITY, 0))
        .isCloseTo(Math.log(0.5), within(1e-12));
    assertThat(LogNormalMath.logProbabilityWithin(0, 1, 0, Double.POSITIVE_INFINITY))
        .isCloseTo(Math.log(0.5), within(1e-12));
    assertThat(LogNormalMath.logProbabilityWithin(0, 1, -1, 1))
        .isCloseTo(Math.log(0.682689492), within(1e-8));
    assertThat(LogNormalMath.logProbabilityWithin(0, 1, 40, 41)).isFinite();
  }

  @Test
  void expectedImprovement_growsWithTheGapAndTheUncertainty() {
    assertThat(LogNormalMath.logExpectedImprovement(0, 1, 1))
        .isGreaterThan(LogNormalMath.logExpectedImprovement(0, 1, 0));
    assertThat(LogNormalMath.logExpectedImprovement(0, 4, -3))
        .isGreaterThan(LogNormalMath.logExpectedImprovement(0, 1, -3));
  }
}
