package vernier.spi.testkit;

import java.util.List;
import java.util.Map;
import java.util.Set;
import vernier.spi.CategoricalDomain;
import vernier.spi.Condition;
import vernier.spi.Constraint;
import vernier.spi.Direction;
import vernier.spi.FloatDomain;
import vernier.spi.IntDomain;
import vernier.spi.Objective;
import vernier.spi.ParamValue;
import vernier.spi.Parameter;
import vernier.spi.SearchSpace;
import vernier.spi.StudyDefinition;

/** The search spaces and objective the contract tests run plugins on. */
public final class ContractSpaces {

  public static final String OBJECTIVE = "loss";

  private ContractSpaces() {}

  /**
   * Every kind of domain: plain, log, stepped floats and ints, mixed-type categoricals, a
   * condition.
   */
  public static SearchSpace mixed() {
    return SearchSpace.of(
        Parameter.of("lr", FloatDomain.logScale(1e-5, 1e-1)),
        Parameter.of("dropout", FloatDomain.continuous(0.0, 0.5)),
        Parameter.of("momentum", new FloatDomain(0.5, 0.99, false, 0.01)),
        Parameter.of("layers", IntDomain.range(1, 8)),
        Parameter.of("units", new IntDomain(16, 1024, true, 1)),
        Parameter.of("batch", new IntDomain(16, 256, false, 16)),
        Parameter.of(
            "optimizer", CategoricalDomain.of(ParamValue.of("adam"), ParamValue.of("sgd"))),
        Parameter.of(
            "flag",
            CategoricalDomain.of(ParamValue.of(true), ParamValue.of(false), ParamValue.of(3L))),
        Parameter.conditional(
            "nesterov",
            CategoricalDomain.of(ParamValue.of(true), ParamValue.of(false)),
            new Condition("optimizer", Set.of(ParamValue.of("sgd")))),
        Parameter.conditional(
            "beta2",
            FloatDomain.continuous(0.9, 0.9999),
            new Condition("optimizer", Set.of(ParamValue.of("adam")))));
  }

  public static StudyDefinition definition(SearchSpace space, long seed) {
    return new StudyDefinition(
        "contract",
        space,
        List.of(new Objective(OBJECTIVE, Direction.MINIMIZE)),
        List.<Constraint>of(),
        seed);
  }

  /** A smooth objective over {@link #mixed()} so model-based samplers have something to learn. */
  public static double objective(Map<String, ParamValue> params) {
    double loss = 0;
    for (Map.Entry<String, ParamValue> e : params.entrySet()) {
      ParamValue v = e.getValue();
      double x =
          v instanceof ParamValue.StringValue s
              ? s.value().length()
              : v instanceof ParamValue.BoolValue b ? (b.value() ? 1 : 0) : v.asDouble();
      loss += Math.abs(Math.log1p(Math.abs(x)) - 0.3);
    }
    return loss;
  }
}
