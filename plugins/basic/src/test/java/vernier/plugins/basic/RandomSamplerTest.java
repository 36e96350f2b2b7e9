package vernier.plugins.basic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import vernier.spi.FloatDomain;
import vernier.spi.IntDomain;
import vernier.spi.ParamValue;
import vernier.spi.Parameter;
import vernier.spi.SamplerFactory;
import vernier.spi.SamplingContext;
import vernier.spi.SearchSpace;
import vernier.spi.Settings;
import vernier.spi.Suggestion;
import vernier.spi.testkit.ContractSpaces;
import vernier.spi.testkit.SamplerContractTest;
import vernier.spi.testkit.SimpleStudy;

final class RandomSamplerTest extends SamplerContractTest {

  @Override
  protected SamplerFactory factory() {
    return new RandomSamplerFactory();
  }

  @Test
  void logScale_isUniformInLogSpace() {
    SearchSpace space =
        SearchSpace.of(
            Parameter.of("lr", FloatDomain.logScale(1e-6, 1)),
            Parameter.of("units", new IntDomain(1, 10_000, true, 1)));
    SimpleStudy study = new SimpleStudy(ContractSpaces.definition(space, 1));
    var sampler = factory().create(study.definition(), Settings.empty());
    SplittableRandom random = new SplittableRandom(1);
    int lrBelow = 0;
    int unitsBelow = 0;
    int n = 4000;
    for (int i = 0; i < n; i++) {
      var params =
          ((Suggestion.Params) sampler.suggest(study, new SamplingContext(random.split())))
              .values();
      lrBelow += params.get("lr").asDouble() < 1e-3 ? 1 : 0; // geometric midpoint
      unitsBelow += ((ParamValue.IntValue) params.get("units")).value() < 100 ? 1 : 0;
    }
    assertThat(lrBelow / (double) n).isBetween(0.45, 0.55);
    assertThat(unitsBelow / (double) n).isBetween(0.44, 0.56);
  }
}
