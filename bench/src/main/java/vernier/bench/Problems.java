package vernier.bench;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import vernier.client.Parameters;
import vernier.v1.ParamValue;
import vernier.v1.StudySpec;

/**
 * The single-objective problems of ../shared/bench/optuna_reference.py, defined identically
 * (bounds, formulas, all minimised), and their shifted variants, which
 * bench/src/main/python/optuna_shifted.py defines the same way for Optuna. ProblemsAgreementTest
 * checks that both languages give the same values.
 */
final class Problems {

  /**
   * A benchmark problem: its search space, objective (minimised) over a trial's parameters and
   * constraints (none for the unconstrained problems).
   */
  record Problem(
      StudySpec.Builder space,
      ToDoubleFunction<Map<String, ParamValue>> objective,
      List<Bound> constraints) {
    Problem(StudySpec.Builder space, ToDoubleFunction<Map<String, ParamValue>> objective) {
      this(space, objective, List.of());
    }
  }

  /** A constraint {@code value(params) <= upper}, told as metric {@code metric}. */
  record Bound(String metric, double upper, ToDoubleFunction<Map<String, ParamValue>> value) {}

  /**
   * The shifts s of the "-shifted" variants: f_shifted(x) = f(x - s) on the same box, so the
   * optimum value stays and its location moves by s. Why: ackley5's optimum is the centre of its
   * box, the first point of an unscrambled Sobol design (Optuna's QMC), of centre-started CMA-ES
   * and of odd grids; rosenbrock5's (1, ..., 1) and styblinski5's (-2.9035, ...) have all
   * coordinates equal, which helps samplers that move coordinates together. Each s has distinct,
   * irregular coordinates that keep the moved optimum inside the box (styblinski5's also keep its
   * second basin, at +2.7468 per coordinate, inside, so the problem stays deceptive). Keep in step
   * with SHIFTS in optuna_shifted.py.
   */
  static final Map<String, double[]> SHIFTS = shifts();

  private static Map<String, double[]> shifts() {
    Map<String, double[]> s = new LinkedHashMap<>();
    s.put("rosenbrock5", new double[] {4.83, -2.47, 3.29, -3.61, 6.71});
    s.put("ackley5", new double[] {11.7, -19.3, 6.1, -4.9, 23.5});
    s.put("styblinski5", new double[] {1.37, -0.83, 2.03, -1.21, 0.49});
    return s;
  }

  private Problems() {}

  /** The known optimum of each unconstrained problem (shifting keeps it), for regrets. */
  static final Map<String, Double> OPTIMA =
      Map.ofEntries(
          Map.entry("branin", 0.397887),
          Map.entry("hartmann6", -3.32237),
          Map.entry("rosenbrock5", 0.0),
          Map.entry("rosenbrock5-shifted", 0.0),
          Map.entry("ackley5", 0.0),
          Map.entry("ackley5-shifted", 0.0),
          Map.entry("styblinski5", -39.16617 * 5),
          Map.entry("styblinski5-shifted", -39.16617 * 5),
          Map.entry("mixed", 0.0),
          Map.entry("cond-optimizer", 0.0),
          Map.entry("cond-arch", 0.0),
          Map.entry("cond-schedule", 0.0));

  /** The constrained problems' names, in the order the harness runs them. */
  static final List<String> CONSTRAINED =
      List.of("gardner", "gramacy", "branin-disk", "hartmann6-l1", "mixed-memory");

  /**
   * Every problem by name: the reference ones, "{name}-shifted" for each of SHIFTS, then the
   * constrained ones.
   */
  static Map<String, Problem> all() {
    Map<String, Problem> p = reference();
    SHIFTS.forEach((name, s) -> p.put(name + "-shifted", shifted(p.get(name), s)));
    p.putAll(constrained(p));
    p.putAll(ConditionalProblems.all());
    return p;
  }

  /**
   * Constrained problems from the constrained Bayesian-optimization literature, plus an HPO-shaped
   * one (optuna_shifted.py defines them identically for Optuna):
   *
   * <ul>
   *   <li>gardner: Gardner et al., ICML 2014, section 5.1: cos(2x)cos(y) + sin(x) on [0, 6]²
   *       subject to cos(x)cos(y) - sin(x)sin(y) <= 0.5 (disconnected feasible regions);
   *   <li>gramacy: Gramacy et al., Technometrics 2016: x + y on [0, 1]² subject to two constraints,
   *       one wavy; the optimum, about 0.5998 at (0.1954, 0.4044), lies on the wavy one's boundary;
   *   <li>branin-disk: Branin subject to (x0 - 2.5)² + (x1 - 7.5)² <= 50 (Gelbart et al., UAI
   *       2014);
   *   <li>hartmann6-l1: Hartmann6 subject to sum(x) <= 2 (BoTorch's constrained example uses 3,
   *       which the optimum satisfies; 2 cuts it off, so the best feasible point lies on the
   *       boundary, and leaves 8 % of the cube feasible);
   *   <li>mixed-memory: "mixed" with a memory budget layers · (1.5 for adam, else 1) <= 4.5, which
   *       rules out the unconstrained optimum (adam with 4 layers).
   * </ul>
   */
  private static Map<String, Problem> constrained(Map<String, Problem> reference) {
    Map<String, Problem> p = new LinkedHashMap<>();
    p.put(
        "gardner",
        new Problem(
            box(fill(2, 0), fill(2, 6)),
            t -> Math.cos(2 * num(t, "x0")) * Math.cos(num(t, "x1")) + Math.sin(num(t, "x0")),
            List.of(
                new Bound(
                    "c0",
                    0.5,
                    t ->
                        Math.cos(num(t, "x0")) * Math.cos(num(t, "x1"))
                            - Math.sin(num(t, "x0")) * Math.sin(num(t, "x1"))))));
    p.put(
        "gramacy",
        new Problem(
            box(fill(2, 0), fill(2, 1)),
            t -> num(t, "x0") + num(t, "x1"),
            List.of(
                new Bound(
                    "c0",
                    0,
                    t -> {
                      double x = num(t, "x0");
                      double y = num(t, "x1");
                      return 1.5 - x - 2 * y - 0.5 * Math.sin(2 * Math.PI * (x * x - 2 * y));
                    }),
                new Bound(
                    "c1", 0, t -> Math.pow(num(t, "x0"), 2) + Math.pow(num(t, "x1"), 2) - 1.5))));
    Problem branin = reference.get("branin");
    p.put(
        "branin-disk",
        new Problem(
            branin.space(),
            branin.objective(),
            List.of(
                new Bound(
                    "c0",
                    50,
                    t -> Math.pow(num(t, "x0") - 2.5, 2) + Math.pow(num(t, "x1") - 7.5, 2)))));
    Problem hartmann = reference.get("hartmann6");
    p.put(
        "hartmann6-l1",
        new Problem(
            hartmann.space(),
            hartmann.objective(),
            List.of(
                new Bound(
                    "c0",
                    2,
                    t -> {
                      double sum = 0;
                      for (int i = 0; i < 6; i++) {
                        sum += num(t, "x" + i);
                      }
                      return sum;
                    }))));
    Problem mixed = reference.get("mixed");
    p.put(
        "mixed-memory",
        new Problem(
            mixed.space(),
            mixed.objective(),
            List.of(
                new Bound(
                    "memory",
                    4.5,
                    t ->
                        num(t, "layers")
                            * (t.get("optimizer").getStringValue().equals("adam") ? 1.5 : 1.0)))));
    return p;
  }

  private static Map<String, Problem> reference() {
    Map<String, Problem> p = new LinkedHashMap<>();
    p.put(
        "branin",
        new Problem(
            box(new double[] {-5, 0}, new double[] {10, 15}),
            t -> {
              double x = num(t, "x0");
              double y = num(t, "x1");
              return Math.pow(y - 5.1 / (4 * Math.PI * Math.PI) * x * x + 5 / Math.PI * x - 6, 2)
                  + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x)
                  + 10;
            }));
    p.put("hartmann6", new Problem(box(fill(6, 0), fill(6, 1)), Problems::hartmann6));
    p.put(
        "rosenbrock5",
        new Problem(
            box(fill(5, -5), fill(5, 10)),
            t -> {
              double s = 0;
              for (int i = 0; i < 4; i++) {
                double a = num(t, "x" + i);
                double b = num(t, "x" + (i + 1));
                s += 100 * Math.pow(b - a * a, 2) + Math.pow(1 - a, 2);
              }
              return s;
            }));
    p.put(
        "ackley5",
        new Problem(
            box(fill(5, -32.768), fill(5, 32.768)),
            t -> {
              double sq = 0;
              double cos = 0;
              for (int i = 0; i < 5; i++) {
                double x = num(t, "x" + i);
                sq += x * x;
                cos += Math.cos(2 * Math.PI * x);
              }
              return -20 * Math.exp(-0.2 * Math.sqrt(sq / 5)) - Math.exp(cos / 5) + 20 + Math.E;
            }));
    p.put(
        "styblinski5",
        new Problem(
            box(fill(5, -5), fill(5, 5)),
            t -> {
              double s = 0;
              for (int i = 0; i < 5; i++) {
                double x = num(t, "x" + i);
                s += Math.pow(x, 4) - 16 * x * x + 5 * x;
              }
              return 0.5 * s;
            }));
    p.put(
        "mixed",
        new Problem(
            StudySpec.newBuilder()
                .addParameters(Parameters.logFloat("lr", 1e-5, 1.0))
                .addParameters(Parameters.integer("layers", 1, 8))
                .addParameters(Parameters.choice("optimizer", "adam", "sgd", "adagrad"))
                .addParameters(Parameters.floating("dropout", 0.0, 0.9)),
            t -> {
              String opt = t.get("optimizer").getStringValue();
              double bestLr = Map.of("adam", 3e-3, "sgd", 5e-2, "adagrad", 1e-2).get(opt);
              double base = Map.of("adam", 0.0, "sgd", 0.08, "adagrad", 0.04).get(opt);
              return base
                  + Math.pow(Math.log10(num(t, "lr")) - Math.log10(bestLr), 2) * 0.5
                  + 0.02 * Math.pow(num(t, "layers") - 4, 2)
                  + 2 * Math.pow(num(t, "dropout") - 0.2, 2);
            }));
    return p;
  }

  /** Whether every constraint of {@code problem} holds at {@code params}. */
  static boolean feasible(Problem problem, Map<String, ParamValue> params) {
    return problem.constraints().stream()
        .allMatch(b -> b.value().applyAsDouble(params) <= b.upper());
  }

  /** The same box and objective, evaluated at x - s. */
  static Problem shifted(Problem base, double[] s) {
    return new Problem(
        base.space(),
        t -> {
          Map<String, ParamValue> moved = new HashMap<>(t);
          for (int i = 0; i < s.length; i++) {
            moved.put(
                "x" + i, ParamValue.newBuilder().setDoubleValue(num(t, "x" + i) - s[i]).build());
          }
          return base.objective().applyAsDouble(moved);
        });
  }

  /** A float parameter; an integer one is widened. */
  static double num(Map<String, ParamValue> t, String name) {
    ParamValue v = t.get(name);
    return v.getKindCase() == ParamValue.KindCase.INT_VALUE ? v.getIntValue() : v.getDoubleValue();
  }

  private static final double[][] H6A = {
    {10, 3, 17, 3.5, 1.7, 8},
    {0.05, 10, 17, 0.1, 8, 14},
    {3, 3.5, 1.7, 10, 17, 8},
    {17, 8, 0.05, 10, 0.1, 14}
  };
  private static final double[][] H6P = {
    {1312, 1696, 5569, 124, 8283, 5886},
    {2329, 4135, 8307, 3736, 1004, 9991},
    {2348, 1451, 3522, 2883, 3047, 6650},
    {4047, 8828, 8732, 5743, 1091, 381}
  };
  private static final double[] H6C = {1.0, 1.2, 3.0, 3.2};

  private static double hartmann6(Map<String, ParamValue> t) {
    double total = 0;
    for (int i = 0; i < 4; i++) {
      double inner = 0;
      for (int j = 0; j < 6; j++) {
        inner += H6A[i][j] * Math.pow(num(t, "x" + j) - 1e-4 * H6P[i][j], 2);
      }
      total += H6C[i] * Math.exp(-inner);
    }
    return -total;
  }

  private static double[] fill(int n, double v) {
    double[] a = new double[n];
    Arrays.fill(a, v);
    return a;
  }

  private static StudySpec.Builder box(double[] lo, double[] hi) {
    StudySpec.Builder s = StudySpec.newBuilder();
    for (int i = 0; i < lo.length; i++) {
      s.addParameters(Parameters.floating("x" + i, lo[i], hi[i]));
    }
    return s;
  }
}
