package vernier.plugins.basic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import vernier.spi.ParamValue;
import vernier.spi.Sampler;
import vernier.spi.SamplerFactory;
import vernier.spi.SamplingContext;
import vernier.spi.Settings;
import vernier.spi.Suggestion;
import vernier.spi.testkit.ContractSpaces;
import vernier.spi.testkit.SamplerContractTest;
import vernier.spi.testkit.ServiceLoaderLookup;
import vernier.spi.testkit.SimpleStudy;

final class PartialFixedSamplerTest extends SamplerContractTest {

  @Override
  protected SamplerFactory factory() {
    return new PartialFixedSamplerFactory();
  }

  @Override
  protected Settings settings() {
    return Settings.of(Map.of("params", Map.of("optimizer", "sgd", "layers", 3.0)));
  }

  private Sampler sampler(Map<String, ?> settings) {
    return factory()
        .create(
            ContractSpaces.definition(ContractSpaces.mixed(), 1),
            Settings.of(settings).validate("partial-fixed", factory().settings()),
            ServiceLoaderLookup.INSTANCE);
  }

  @Test
  void pinnedValuesAreKept_childrenFollowThePinnedParent() {
    Sampler s = sampler(Map.of("params", Map.of("optimizer", "sgd", "layers", 3.0)));
    SimpleStudy study = new SimpleStudy(ContractSpaces.definition(ContractSpaces.mixed(), 1));
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < 20; i++) {
      Map<String, ParamValue> p =
          ((Suggestion.Params) s.suggest(study, new SamplingContext(random.split()))).values();
      assertThat(p.get("optimizer")).isEqualTo(ParamValue.of("sgd"));
      assertThat(p.get("layers")).isEqualTo(ParamValue.of(3L));
      assertThat(p).containsKey("nesterov").doesNotContainKey("beta2");
      study.start(p).succeed("loss", 1);
    }
  }

  @Test
  void wrappingPbt_passesItsPlanThrough_soMembersContinue() {
    vernier.spi.StudyDefinition d =
        ContractSpaces.definition(
            vernier.spi.SearchSpace.of(
                vernier.spi.Parameter.of("lr", vernier.spi.FloatDomain.logScale(1e-4, 1)),
                vernier.spi.Parameter.of("units", vernier.spi.IntDomain.range(16, 64))),
            1);
    Sampler s =
        factory()
            .create(
                d,
                Settings.of(
                    Map.of(
                        "params",
                        Map.of("units", 32.0),
                        "wrapped",
                        "pbt",
                        "wrapped_settings",
                        Map.of("population_size", 2.0, "interval", 5.0, "max_step", 10.0))),
                ServiceLoaderLookup.INSTANCE);
    SimpleStudy study = new SimpleStudy(d);
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < 4; i++) {
      Suggestion.Params p =
          (Suggestion.Params) s.suggest(study, new SamplingContext(random.split()));
      assertThat(p.labels()).containsKey("pbt.member");
      assertThat(p.maxStep()).isEqualTo(i < 2 ? 5 : 10);
      assertThat(p.startFrom().isPresent()).isEqualTo(i >= 2);
      assertThat(p.values().get("units")).isEqualTo(ParamValue.of(32L));
      study.start(p).succeed("loss", i);
    }
    assertThat(s.suggest(study, new SamplingContext(random.split())))
        .isEqualTo(Suggestion.exhausted());
  }

  @Test
  void wrapsAnotherSampler_gridCoversOnlyTheFreeParameters() {
    Sampler s =
        factory()
            .create(
                ContractSpaces.definition(
                    vernier.spi.SearchSpace.of(
                        vernier.spi.Parameter.of("a", vernier.spi.IntDomain.range(0, 2)),
                        vernier.spi.Parameter.of("b", vernier.spi.IntDomain.range(0, 3))),
                    1),
                Settings.of(Map.of("params", Map.of("b", 2.0), "wrapped", "grid")),
                ServiceLoaderLookup.INSTANCE);
    SimpleStudy study =
        new SimpleStudy(
            ContractSpaces.definition(
                vernier.spi.SearchSpace.of(
                    vernier.spi.Parameter.of("a", vernier.spi.IntDomain.range(0, 2)),
                    vernier.spi.Parameter.of("b", vernier.spi.IntDomain.range(0, 3))),
                1));
    Set<Map<String, ParamValue>> seen = new HashSet<>();
    SplittableRandom random = new SplittableRandom(1);
    Suggestion next;
    while ((next = s.suggest(study, new SamplingContext(random.split())))
        instanceof Suggestion.Params p) {
      assertThat(seen.add(p.values())).isTrue();
      study.start(p.values());
    }
    assertThat(seen).hasSize(3); // a in {0, 1, 2}, b pinned to 2: then the grid is exhausted
  }

  @Test
  void badPins_areNamed() {
    assertThatThrownBy(() -> sampler(Map.of("params", Map.of("nope", 1.0))))
        .hasMessageContaining("'nope'");
    assertThatThrownBy(() -> sampler(Map.of("params", Map.of("layers", 99.0))))
        .hasMessageContaining("layers");
    assertThatThrownBy(() -> sampler(Map.of("params", Map.of("optimizer", "rmsprop"))))
        .hasMessageContaining("optimizer");
  }
}
