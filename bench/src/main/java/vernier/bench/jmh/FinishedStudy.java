package vernier.bench.jmh;

import java.util.ArrayList;
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

/**
 * The ask benchmarks' study: 5 float parameters in [0, 1], {@code trials} finished at random
 * points, loss Σx²; optionally constrained by x_i <= 0.5 for the first {@code constraints}
 * parameters (told as metrics c0, c1, ...).
 */
final class FinishedStudy {

  static final StudyDefinition DEFINITION = definition(0);

  private FinishedStudy() {}

  static StudyDefinition definition(int constraints) {
    Parameter[] params = new Parameter[5];
    for (int i = 0; i < 5; i++) {
      params[i] = Parameter.of("x" + i, FloatDomain.continuous(0, 1));
    }
    List<Constraint> bounds = new ArrayList<>();
    for (int c = 0; c < constraints; c++) {
      bounds.add(Constraint.atMost("c" + c, 0.5));
    }
    return new StudyDefinition(
        "bench",
        SearchSpace.of(params),
        List.of(new Objective("loss", Direction.MINIMIZE)),
        bounds,
        0);
  }

  static SimpleStudy withTrials(int trials, SplittableRandom random) {
    return withTrials(DEFINITION, trials, random);
  }

  static SimpleStudy withTrials(StudyDefinition definition, int trials, SplittableRandom random) {
    SimpleStudy study = new SimpleStudy(definition);
    for (int t = 0; t < trials; t++) {
      Map<String, ParamValue> p = new LinkedHashMap<>();
      Map<String, Double> values = new LinkedHashMap<>();
      double loss = 0;
      for (int i = 0; i < 5; i++) {
        double x = random.nextDouble();
        p.put("x" + i, ParamValue.of(x));
        loss += x * x;
      }
      values.put("loss", loss);
      boolean feasible = true;
      for (int c = 0; c < definition.constraints().size(); c++) {
        double x = p.get("x" + c).asDouble();
        values.put("c" + c, x);
        feasible &= definition.constraints().get(c).isSatisfiedBy(x);
      }
      study.start(p).succeed(values).feasible(feasible);
    }
    return study;
  }
}
