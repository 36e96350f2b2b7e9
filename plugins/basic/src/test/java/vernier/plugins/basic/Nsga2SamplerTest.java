package vernier.plugins.basic;

import static org.assertj.core.api.Assertions.assertThat;

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
import vernier.spi.SamplerFactory;
import vernier.spi.SamplingContext;
import vernier.spi.SearchSpace;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;
import vernier.spi.Suggestion;
import vernier.spi.TrialView;
import vernier.spi.testkit.SamplerContractTest;
import vernier.spi.testkit.SimpleStudy;

final class Nsga2SamplerTest extends SamplerContractTest {

  @Override
  protected SamplerFactory factory() {
    return new Nsga2SamplerFactory();
  }

  @Override
  protected Settings settings() {
    return Settings.of(
        Map.of("population_size", 10.0)); // several generations within the contract's 40 trials
  }

  private static StudyDefinition twoObjectives(List<Constraint> constraints) {
    SearchSpace space =
        SearchSpace.of(
            Parameter.of("x", FloatDomain.continuous(0, 1)),
            Parameter.of("y", FloatDomain.continuous(0, 1)));
    return new StudyDefinition(
        "n",
        space,
        List.of(new Objective("f1", Direction.MINIMIZE), new Objective("f2", Direction.MINIMIZE)),
        constraints,
        3);
  }

  @Test
  void laterGenerationsApproachTheParetoFront() {
    StudyDefinition d = twoObjectives(List.of());
    Nsga2Sampler sampler =
        (Nsga2Sampler) factory().create(d, Settings.of(Map.of("population_size", 20.0)));
    SimpleStudy study = new SimpleStudy(d);
    SplittableRandom random = new SplittableRandom(3);
    double firstGeneration = 0;
    double lastGeneration = 0;
    for (int i = 0; i < 200; i++) {
      Map<String, ParamValue> p =
          ((Suggestion.Params) sampler.suggest(study, new SamplingContext(random.split())))
              .values();
      double x = p.get("x").asDouble();
      double y = p.get("y").asDouble();
      double g = 1 + 9 * y; // ZDT1 in two variables: the front is y = 0
      study.start(p).succeed(Map.of("f1", x, "f2", g * (1 - Math.sqrt(x / g))));
      if (i < 20) {
        firstGeneration += y / 20;
      } else if (i >= 180) {
        lastGeneration += y / 20;
      }
    }
    // uniform crossover and 1/n mutation (Optuna's operators) move slowly on continuous spaces
    assertThat(lastGeneration).isLessThan(firstGeneration * 0.75);
  }

  @Test
  void constrainedDomination_feasibleBeatsInfeasible_smallerViolationBeatsLarger() {
    StudyDefinition d = twoObjectives(List.of(Constraint.atMost("memory", 10)));
    Nsga2Sampler sampler = (Nsga2Sampler) factory().create(d, Settings.empty());
    SimpleStudy study = new SimpleStudy(d);
    TrialView feasibleButWorse =
        study.start(Map.of()).succeed(Map.of("f1", 5.0, "f2", 5.0, "memory", 8.0));
    TrialView infeasibleButBetter =
        study.start(Map.of()).succeed(Map.of("f1", 1.0, "f2", 1.0, "memory", 12.0));
    TrialView moreInfeasible =
        study.start(Map.of()).succeed(Map.of("f1", 0.0, "f2", 0.0, "memory", 20.0));
    assertThat(sampler.dominates(feasibleButWorse, infeasibleButBetter)).isTrue();
    assertThat(sampler.dominates(infeasibleButBetter, moreInfeasible)).isTrue();
    assertThat(
            sampler.fronts(List.of(moreInfeasible, infeasibleButBetter, feasibleButWorse)).get(0))
        .containsExactly(feasibleButWorse);
  }
}
