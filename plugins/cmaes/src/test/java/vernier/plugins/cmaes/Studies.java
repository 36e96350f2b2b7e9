package vernier.plugins.cmaes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import vernier.spi.Constraint;
import vernier.spi.Direction;
import vernier.spi.Objective;
import vernier.spi.ParamValue;
import vernier.spi.Parameter;
import vernier.spi.Sampler;
import vernier.spi.SamplingContext;
import vernier.spi.SearchSpace;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;
import vernier.spi.Suggestion;
import vernier.spi.testkit.SimpleStudy;

/**
 * Test studies: a definition minimising "loss", and a loop that asks, evaluates and tells in order.
 */
final class Studies {

  private Studies() {}

  static StudyDefinition definition(long seed, Parameter... parameters) {
    return new StudyDefinition(
        "cmaes-test",
        SearchSpace.of(parameters),
        List.of(new Objective("loss", Direction.MINIMIZE)),
        List.<Constraint>of(),
        seed);
  }

  static Sampler sampler(StudyDefinition definition, Settings settings) {
    CmaEsSamplerFactory factory = new CmaEsSamplerFactory();
    return factory.create(definition, settings.validate(factory.name(), factory.settings()));
  }

  static Map<String, ParamValue> ask(Sampler sampler, SimpleStudy study, SplittableRandom random) {
    return ((Suggestion.Params) sampler.suggest(study, new SamplingContext(random.split())))
        .values();
  }

  /**
   * Runs {@code trials} sequential trials (random source seeded with {@code seed}); their params.
   */
  static List<Map<String, ParamValue>> run(
      Sampler sampler,
      SimpleStudy study,
      long seed,
      int trials,
      ToDoubleFunction<Map<String, ParamValue>> loss) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Map<String, ParamValue>> asked = new ArrayList<>();
    for (int t = 0; t < trials; t++) {
      Map<String, ParamValue> params = ask(sampler, study, random);
      asked.add(params);
      study.start(params).succeed("loss", loss.applyAsDouble(params));
    }
    return asked;
  }
}
