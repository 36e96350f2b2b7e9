package vernier.plugins.basic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import vernier.spi.CategoricalDomain;
import vernier.spi.Condition;
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

final class GridSamplerTest extends SamplerContractTest {

  @Override
  protected SamplerFactory factory() {
    return new GridSamplerFactory();
  }

  @Override
  protected Settings settings() {
    return Settings.of(Map.of("resolution", 2.0));
  }

  @Override
  protected boolean mayExhaust() {
    return true;
  }

  private static SearchSpace conditionalSpace() {
    return SearchSpace.of(
        Parameter.of("opt", CategoricalDomain.of(ParamValue.of("adam"), ParamValue.of("sgd"))),
        Parameter.conditional(
            "momentum",
            new FloatDomain(0.0, 0.9, false, 0.3),
            new Condition("opt", Set.of(ParamValue.of("sgd")))),
        Parameter.of("layers", IntDomain.range(1, 3)));
  }

  @Test
  void grid_expandsConditionalChildrenOnlyUnderTheirParentValue() {
    // adam: 3 layer values; sgd: 4 momentum values x 3 layer values.
    assertThat(new GridSampler(conditionalSpace(), 5, false, 0, 1000).size()).isEqualTo(3 + 12);
  }

  @Test
  void grid_neverRepeatsWithManyRunningTrials_thenIsExhausted() {
    SimpleStudy study = new SimpleStudy(ContractSpaces.definition(conditionalSpace(), 9));
    var sampler = factory().create(study.definition(), Settings.empty());
    Set<Map<String, ParamValue>> seen = new HashSet<>();
    SplittableRandom random = new SplittableRandom(9);
    for (int i = 0; i < 15; i++) {
      var s = sampler.suggest(study, new SamplingContext(random.split()));
      Map<String, ParamValue> params = ((Suggestion.Params) s).values();
      assertThat(seen.add(params)).as("point %s repeated", params).isTrue();
      study.start(params); // all left running, as with 15 parallel workers
    }
    assertThat(sampler.suggest(study, new SamplingContext(random.split())))
        .isEqualTo(Suggestion.exhausted());
  }

  @Test
  void grid_skipsPointsTakenByEnqueuedTrials() {
    SimpleStudy study = new SimpleStudy(ContractSpaces.definition(conditionalSpace(), 9));
    var sampler = factory().create(study.definition(), Settings.empty());
    study.start(Map.of("opt", ParamValue.of("adam"), "layers", ParamValue.of(2L)));
    SplittableRandom random = new SplittableRandom(9);
    int count = 0;
    while (sampler.suggest(study, new SamplingContext(random.split()))
        instanceof Suggestion.Params p) {
      assertThat(p.values())
          .isNotEqualTo(Map.of("opt", ParamValue.of("adam"), "layers", ParamValue.of(2L)));
      study.start(p.values());
      count++;
    }
    assertThat(count).isEqualTo(14);
  }

  @Test
  void grid_refusesTooManyPoints() {
    SearchSpace big =
        SearchSpace.of(
            Parameter.of("a", IntDomain.range(0, 999)), Parameter.of("b", IntDomain.range(0, 999)));
    assertThatThrownBy(
            () ->
                factory()
                    .create(
                        ContractSpaces.definition(big, 1),
                        Settings.of(Map.of("resolution", 1000.0, "max_points", 1000.0))))
        .hasMessageContaining("max_points");
  }
}
