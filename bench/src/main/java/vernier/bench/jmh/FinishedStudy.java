package vernier.bench.jmh;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import vernier.spi.Constraint;
import vernier.spi.Direction;
import vernier.spi.FloatDomain;
import vernier.spi.Objective;
import vernier.spi.ParamValue;
import vernier.spi.Parameter;
import vernier.spi.SearchSpace;
import vernier.spi.StudyDefinition;
import vernier.spi.testkit.SimpleStudy;

/** The ask benchmarks' study: 5 float parameters in [0, 1], {@code trials} finished at random points, loss Σx². */
final class FinishedStudy {

  static final StudyDefinition DEFINITION;

  static {
    Parameter[] params = new Parameter[5];
    for (int i = 0; i < 5; i++) {
      params[i] = Parameter.of("x" + i, FloatDomain.continuous(0, 1));
    }
    DEFINITION = new StudyDefinition("bench", SearchSpace.of(params), List.of(new Objective("loss", Direction.MINIMIZE)),
        List.<Constraint>of(), 0);
  }

  private FinishedStudy() {}

  static SimpleStudy withTrials(int trials, SplittableRandom random) {
    SimpleStudy study = new SimpleStudy(DEFINITION);
    for (int t = 0; t < trials; t++) {
      Map<String, ParamValue> p = new LinkedHashMap<>();
      double loss = 0;
      for (int i = 0; i < 5; i++) {
        double x = random.nextDouble();
        p.put("x" + i, ParamValue.of(x));
        loss += x * x;
      }
      study.start(p).succeed("loss", loss);
    }
    return study;
  }
}
