package vernier.plugins.basic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import vernier.spi.FloatDomain;
import vernier.spi.Parameter;
import vernier.spi.SamplerFactory;
import vernier.spi.SearchSpace;
import vernier.spi.Settings;
import vernier.spi.testkit.ContractSpaces;
import vernier.spi.testkit.SamplerContractTest;

final class QmcSamplerTest extends SamplerContractTest {

  @Override
  protected SamplerFactory factory() {
    return new QmcSamplerFactory();
  }

  private static final SearchSpace SPACE =
      SearchSpace.of(
          Parameter.of("a", FloatDomain.continuous(0, 1)),
          Parameter.of("b", FloatDomain.continuous(0, 1)));

  @Test
  void sobol_firstPowerOfTwoPointsFillEveryStratumOnce_evenWhenScrambled() {
    QmcSampler sobol = new QmcSampler(SPACE, true, true, 42);
    assertStratified(sobol, 64);
  }

  @Test
  void halton_isStratifiedInItsFirstDimension() {
    assertStratified(new QmcSampler(SPACE, false, true, 42), 32);
  }

  private static void assertStratified(QmcSampler sampler, int n) {
    for (int d = 0; d < 2; d++) {
      int[] counts = new int[n];
      for (int i = 0; i < n; i++) {
        counts[(int) (sampler.point(i)[d] * n)]++;
      }
      if (d == 0 || n == 64) { // Halton's second dimension is base 3: strata of 3^k, not 2^k
        assertThat(counts).as("dimension %d", d).containsOnly(1);
      }
    }
  }

  @Test
  void differentSeeds_scrambleDifferently_unscrambledSobolStartsAtTheCorner() {
    assertThat(new QmcSampler(SPACE, true, true, 1).point(0))
        .isNotEqualTo(new QmcSampler(SPACE, true, true, 2).point(0));
    assertThat(new QmcSampler(SPACE, true, false, 1).point(0)).containsExactly(0.0, 0.0);
  }

  @Test
  void unknownType_isRejected() {
    assertThatThrownBy(
            () ->
                factory()
                    .create(
                        ContractSpaces.definition(SPACE, 1),
                        Settings.of(Map.of("qmc_type", "lattice"))))
        .hasMessageContaining("qmc_type");
  }
}
