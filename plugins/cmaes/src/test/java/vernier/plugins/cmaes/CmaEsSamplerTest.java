package vernier.plugins.cmaes;

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
import vernier.spi.Sampler;
import vernier.spi.SamplerFactory;
import vernier.spi.SamplingContext;
import vernier.spi.SearchSpace;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;
import vernier.spi.Suggestion;
import vernier.spi.testkit.SamplerContractTest;
import vernier.spi.testkit.SimpleStudy;

final class CmaEsSamplerTest extends SamplerContractTest {

  @Override
  protected SamplerFactory factory() {
    return new CmaEsSamplerFactory();
  }

  private static double sphereBest(Settings settings, long seed, int trials) {
    Parameter[] params = new Parameter[4];
    for (int i = 0; i < 4; i++) {
      params[i] = Parameter.of("x" + i, FloatDomain.continuous(-5, 5));
    }
    StudyDefinition d = new StudyDefinition("c", SearchSpace.of(params),
        List.of(new Objective("loss", Direction.MINIMIZE)), List.<Constraint>of(), seed);
    Sampler sampler = new CmaEsSamplerFactory().create(d, settings);
    SimpleStudy study = new SimpleStudy(d);
    SplittableRandom random = new SplittableRandom(seed);
    double best = Double.POSITIVE_INFINITY;
    for (int t = 0; t < trials; t++) {
      Map<String, ParamValue> p = ((Suggestion.Params) sampler.suggest(study, new SamplingContext(random.split())))
          .values();
      double v = 0;
      for (int i = 0; i < 4; i++) {
        double x = p.get("x" + i).asDouble() - 1.7;
        v += x * x;
      }
      best = Math.min(best, v);
      study.start(p).succeed("loss", v);
    }
    return best;
  }

  @Test
  void convergesOnTheSphere() {
    assertThat(sphereBest(Settings.empty(), 1, 300)).isLessThan(1e-3);
  }

  @Test
  void separableVariant_alsoConverges() {
    assertThat(sphereBest(Settings.of(Map.of("separable", true)), 2, 300)).isLessThan(1e-3);
  }

  @Test
  void ipopRestarts_keepSearchingAfterConvergence() {
    // long enough to converge several times: restarts must not break the sampler
    assertThat(sphereBest(Settings.of(Map.of("restarts", true)), 3, 1200)).isLessThan(1e-6);
  }
}
