package vernier.plugins.basic;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import vernier.spi.Constraint;
import vernier.spi.Direction;
import vernier.spi.FloatDomain;
import vernier.spi.Objective;
import vernier.spi.Parameter;
import vernier.spi.SearchSpace;
import vernier.spi.StudyDefinition;
import vernier.spi.testkit.SimpleStudy;
import vernier.spi.testkit.SimpleTrial;

/** Studies with hand-made learning curves for the pruner tests. */
final class Studies {

  private Studies() {}

  static StudyDefinition definition(Direction... directions) {
    List<Objective> objectives = new ArrayList<>();
    for (int i = 0; i < directions.length; i++) {
      objectives.add(new Objective(i == 0 ? "loss" : "m" + i, directions[i]));
    }
    return new StudyDefinition(
        "s",
        SearchSpace.of(Parameter.of("x", FloatDomain.continuous(0, 1))),
        objectives,
        List.<Constraint>of(),
        1);
  }

  static SimpleStudy study(Direction direction) {
    return new SimpleStudy(definition(direction));
  }

  /** A completed trial whose loss at step s is curve[s]. */
  static SimpleTrial completed(SimpleStudy study, double... curve) {
    SimpleTrial t = running(study, curve);
    return t.succeed("loss", curve[curve.length - 1]);
  }

  /** A running trial that reported curve[s] at each step s. */
  static SimpleTrial running(SimpleStudy study, double... curve) {
    SimpleTrial t = study.start(Map.of());
    for (int s = 0; s < curve.length; s++) {
      t.report("loss", s, curve[s]);
    }
    return t;
  }
}
