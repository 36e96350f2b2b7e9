package vernier.plugins.tpe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import vernier.spi.Constraint;
import vernier.spi.Direction;
import vernier.spi.FloatDomain;
import vernier.spi.Objective;
import vernier.spi.ParamValue;
import vernier.spi.Parameter;
import vernier.spi.Sampler;
import vernier.spi.SamplerFactory;
import vernier.spi.SamplingContext;
import vernier.spi.SearchSpace;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;
import vernier.spi.Suggestion;
import vernier.spi.testkit.SamplerContractTest;
import vernier.spi.testkit.SimpleStudy;
import vernier.spi.testkit.SimpleTrial;

final class BohbSamplerTest extends SamplerContractTest {

  @Override
  protected SamplerFactory factory() {
    return new BohbSamplerFactory();
  }

  @Override
  protected Settings settings() {
    return Settings.of(Map.of("max_resource", 27.0));
  }

  @Test
  void learnsFromLowBudgetObservations_beforeAnyTrialFinishes() {
    SearchSpace space = SearchSpace.of(Parameter.of("x", FloatDomain.continuous(0, 1)));
    StudyDefinition d =
        new StudyDefinition(
            "b",
            space,
            List.of(new Objective("loss", Direction.MINIMIZE)),
            List.<Constraint>of(),
            1);
    Sampler sampler =
        factory().create(d, Settings.of(Map.of("max_resource", 27.0, "random_fraction", 0.0)));
    SimpleStudy study = new SimpleStudy(d);
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0;
        i < 30;
        i++) { // only budget 1 is observed: every trial was pruned at its first rung
      double x = random.nextDouble();
      SimpleTrial t = study.start(Map.of("x", ParamValue.of(x)));
      t.report("loss", 1, Math.abs(x - 0.8)).finish(vernier.spi.TrialState.PRUNED);
    }
    int near = 0;
    for (int i = 0; i < 20; i++) {
      double x =
          ((Suggestion.Params) sampler.suggest(study, new SamplingContext(random.split())))
              .values()
              .get("x")
              .asDouble();
      near += Math.abs(x - 0.8) < 0.15 ? 1 : 0;
    }
    assertThat(near).as("suggestions near the low-budget optimum").isGreaterThanOrEqualTo(14);
  }

  @Test
  void needsTheFullBudget() {
    assertThatThrownBy(
            () ->
                factory()
                    .create(
                        new StudyDefinition(
                            "b",
                            SearchSpace.of(Parameter.of("x", FloatDomain.continuous(0, 1))),
                            List.of(new Objective("loss", Direction.MINIMIZE)),
                            List.<Constraint>of(),
                            1),
                        Settings.empty()))
        .hasMessageContaining("max_resource");
  }
}
