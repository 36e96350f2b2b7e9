package vernier.plugins.gp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

final class GaussianProcessTest {

  private static final boolean[] NUMERIC = {false, false};

  @Test
  void posterior_interpolatesObservationsAndIsUncertainAwayFromThem() {
    double[][] x = {{0.1, 0.1}, {0.5, 0.5}, {0.9, 0.2}};
    double[] y = {1, -1, 0.5};
    GaussianProcess gp =
        GaussianProcess.condition(x, y, NUMERIC, new Matern52(new double[] {4, 4}, 1, 1e-6));
    for (int i = 0; i < x.length; i++) {
      assertThat(gp.predict(x[i])[0]).isCloseTo(y[i], within(1e-3));
      assertThat(gp.predict(x[i])[1]).isLessThan(1e-3);
    }
    assertThat(gp.predict(new double[] {0.1, 0.9})[1]).isGreaterThan(0.3);
  }

  @Test
  void kernelFit_learnsThatAnIrrelevantCoordinateHasALongLengthScale() {
    SplittableRandom random = new SplittableRandom(1);
    double[][] x = new double[40][];
    double[] y = new double[40];
    for (int i = 0; i < x.length; i++) {
      x[i] = new double[] {random.nextDouble(), random.nextDouble()};
      y[i] = Math.sin(6 * x[i][0]); // x1 does not matter
    }
    Matern52 k = KernelFit.fit(x, y, NUMERIC, null);
    assertThat(k.inverseSquaredLengthScales()[0])
        .isGreaterThan(10 * k.inverseSquaredLengthScales()[1]);
    assertThat(k.noise()).isLessThan(1e-2);
  }

  @Test
  void categoricalCoordinates_areComparedOnlyForEquality() {
    Matern52 k = new Matern52(new double[] {1, 1}, 1, 1e-6);
    boolean[] mask = {false, true};
    double same = k.covariance(new double[] {0.2, 1}, new double[] {0.2, 1}, mask);
    double nearChoice = k.covariance(new double[] {0.2, 1}, new double[] {0.2, 2}, mask);
    double farChoice = k.covariance(new double[] {0.2, 0}, new double[] {0.2, 2}, mask);
    assertThat(same).isEqualTo(1.0);
    assertThat(nearChoice).isEqualTo(farChoice).isLessThan(1.0);
  }

  @Test
  void lies_collapseTheVarianceAtPendingPointsAndPullTheMeanToTheLie() {
    double[][] x = {{0.1, 0.1}, {0.9, 0.9}};
    GaussianProcess gp =
        GaussianProcess.condition(
            x, new double[] {0, 1}, NUMERIC, new Matern52(new double[] {4, 4}, 1, 1e-6));
    double[] pending = {0.5, 0.5};
    GaussianProcess lied = gp.withLies(new double[][] {pending}, 2.0);
    assertThat(lied.predict(pending)[1]).isLessThan(1e-3).isLessThan(gp.predict(pending)[1]);
    assertThat(lied.predict(pending)[0]).isCloseTo(2.0, within(1e-3));
  }

  @Test
  void believerLies_leaveTheMeanInPlaceAndShrinkTheVariance() {
    double[][] x = {{0.1, 0.1}, {0.9, 0.9}, {0.3, 0.7}};
    GaussianProcess gp =
        GaussianProcess.condition(
            x, new double[] {0, 1, -0.5}, NUMERIC, new Matern52(new double[] {4, 2}, 1, 1e-4));
    double[][] pending = {{0.5, 0.5}, {0.6, 0.2}};
    GaussianProcess believed =
        gp.withLies(pending, new double[] {gp.mean(pending[0]), gp.mean(pending[1])}, 1e-6);
    SplittableRandom random = new SplittableRandom(3);
    for (int k = 0; k < 20; k++) {
      double[] p = {random.nextDouble(), random.nextDouble()};
      assertThat(believed.predict(p)[0]).isCloseTo(gp.predict(p)[0], within(1e-9));
      assertThat(believed.predict(p)[1]).isLessThanOrEqualTo(gp.predict(p)[1] + 1e-12);
    }
    assertThat(believed.predict(pending[0])[1]).isLessThan(1e-5);
  }

  @Test
  void meanGradient_matchesFiniteDifferences() {
    double[][] x = {{0.1, 0.1, 0}, {0.9, 0.9, 1}, {0.3, 0.7, 1}, {0.6, 0.4, 0}};
    boolean[] mask = {false, false, true};
    GaussianProcess gp =
        GaussianProcess.condition(
            x, new double[] {0, 1, -0.5, 2}, mask, new Matern52(new double[] {4, 2, 1}, 1, 1e-4));
    double h = 1e-6;
    for (double[] p : new double[][] {{0.5, 0.5, 1}, {0.1, 0.1, 0}, {0.95, 0.05, 0}}) {
      double[] gradient = gp.meanGradient(p);
      for (int i = 0; i < 2; i++) {
        double[] up = p.clone();
        double[] down = p.clone();
        up[i] += h;
        down[i] -= h;
        assertThat(gradient[i]).isCloseTo((gp.mean(up) - gp.mean(down)) / (2 * h), within(1e-5));
      }
      assertThat(gradient[2]).isZero();
      assertThat(gp.mean(p)).isCloseTo(gp.predict(p)[0], within(1e-12));
    }
  }
}
