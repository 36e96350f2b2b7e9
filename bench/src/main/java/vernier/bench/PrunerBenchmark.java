package vernier.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Int64Value;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import vernier.client.ActiveTrial;
import vernier.client.VernierClient;
import vernier.server.ServerConfig;
import vernier.server.VernierServer;
import vernier.v1.Direction;
import vernier.v1.EnqueueTrialsRequest;
import vernier.v1.FloatDomain;
import vernier.v1.Limits;
import vernier.v1.Objective;
import vernier.v1.ParamValue;
import vernier.v1.ParameterSpec;
import vernier.v1.PluginSpec;
import vernier.v1.StudySpec;
import vernier.v1.TrialParams;

/**
 * Pruners on synthetic learning curves with known final values, through the server's real API,
 * beside Optuna 3.1's pruners on the same curves (bench/src/main/python/optuna_pruners.py, run in
 * the same invocation). Both sides train the same configurations in the same order ({@link
 * #configuration}, enqueued), so with equal pruners they would spend equal steps. Reports, per
 * problem and pruner, the median over seeds of the training steps spent and of the best final value
 * reached, and both relative to no pruning.
 */
@Command(name = "pruner-bench", mixinStandardHelpOptions = true)
public final class PrunerBenchmark implements Callable<Integer> {

  @Option(names = "--trials", defaultValue = "100")
  int trials;

  @Option(names = "--seeds", defaultValue = "10")
  int seeds;

  @Option(names = "--steps", defaultValue = "100", description = "Steps of a full trial.")
  int steps;

  @Option(
      names = "--python",
      defaultValue = "/usr/bin/python3",
      description = "Python with Optuna 3.1; '' to skip.")
  String python;

  @Option(
      names = "--pruners",
      split = ",",
      description = "Only these configurations (default: all).")
  List<String> only;

  @Option(
      names = "--multi-fidelity",
      description =
          "Instead: steps to reach a target with random, tpe or bohb "
              + "sampling under the hyperband pruner.")
  boolean multiFidelity;

  @Option(
      names = "--problems",
      split = ",",
      description =
          "With --multi-fidelity: only these problems "
              + "(parametric, crossing, parametric6; default: all).")
  List<String> problems;

  /**
   * A learning-curve problem over parameters x0 .. x{dimensions - 1} in [0, 1]: the loss after
   * {@code step} steps, and (for --multi-fidelity) the final value counted as good enough.
   */
  record Problem(int dimensions, double target, Curve curve) {
    double loss(double[] x, int step) {
      return curve.loss(x, step);
    }
  }

  interface Curve {
    double loss(double[] x, int step);
  }

  static double noise(double x0, double x1, int step) {
    return 0.01 * Math.sin(1000 * x0 + 100 * x1 + 37 * step);
  }

  /** Smooth curves whose order is set early: the easy case for pruning. */
  static double parametric(double x0, double x1, int step) {
    double fin = Math.pow(x0 - 0.3, 2) + Math.pow(x1 - 0.7, 2) + 0.1;
    double rate = 0.03 + 0.12 * x1;
    return fin + (1.0 + x0) * Math.exp(-rate * step) + noise(x0, x1, step);
  }

  /** Crossing curves: the best final values belong to slow starters, which early judgment kills. */
  static double crossing(double x0, double x1, int step) {
    double fin = 0.1 + 0.5 * Math.pow(x0 - 0.8, 2) + 0.1 * Math.pow(x1 - 0.5, 2);
    double rate = 0.01 + 0.15 * (1 - x0);
    return fin + 1.5 * Math.exp(-rate * step) + noise(x0, x1, step);
  }

  /**
   * The {@code index}-th configuration (x0, x1) of a seed, from SplitMix64 (Steele, Lea and Flood,
   * OOPSLA 2014) over {@code seed · 2^32 + 2 · index (+ 1)}; optuna_pruners.py computes the same
   * numbers, so both implementations' pruners judge the very same curves and the comparison is of
   * pruners, not of random streams.
   */
  static double[] configuration(long seed, long index) {
    return new double[] {unit((seed << 32) + 2 * index), unit((seed << 32) + 2 * index + 1)};
  }

  private static double unit(long state) {
    long z = state + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z ^= z >>> 31;
    return (z >>> 11) * 0x1.0p-53;
  }

  /** Where parametric6's final value is best. */
  private static final double[] PARAMETRIC6_OPTIMUM = {0.3, 0.7, 0.5, 0.2, 0.8, 0.4};

  /**
   * Six parameters whose early losses already rank them by distance to the optimum (the premise of
   * multi-fidelity methods, e.g. BOHB's per-budget models), with convergence rates that differ by
   * x5, so the ranking still moves a little. Best final value 0.1; used by --multi-fidelity, where
   * two parameters leave little for a model to learn.
   */
  static double parametric6(double[] x, int step) {
    double d2 = 0;
    for (int i = 0; i < 6; i++) {
      d2 += Math.pow(x[i] - PARAMETRIC6_OPTIMUM[i], 2);
    }
    double rate = 0.03 + 0.06 * x[5];
    return 0.1 + d2 / 3 + (1 + d2) * Math.exp(-rate * step) + noise(x[0], x[1], step);
  }

  /** The problems both implementations' pruners run on (two parameters each). */
  static final Map<String, Problem> PROBLEMS = new LinkedHashMap<>();

  static {
    PROBLEMS.put("parametric", new Problem(2, 0.11, (x, step) -> parametric(x[0], x[1], step)));
    PROBLEMS.put("crossing", new Problem(2, 0.11, (x, step) -> crossing(x[0], x[1], step)));
  }

  /**
   * --multi-fidelity's problems: the above and parametric6 (good enough: 0.15, i.e. within 0.39 of
   * its optimum).
   */
  Map<String, Problem> multiFidelityProblems() {
    Map<String, Problem> p = new LinkedHashMap<>(PROBLEMS);
    p.put("parametric6", new Problem(6, 0.15, PrunerBenchmark::parametric6));
    if (problems != null) {
      p.keySet().retainAll(problems);
    }
    return p;
  }

  /** The pruner configurations, matching optuna_pruners.py where Optuna 3.1 has the pruner. */
  Map<String, PluginSpec> pruners() {
    Map<String, PluginSpec> p = new LinkedHashMap<>();
    p.put("none", plugin("none", Map.of()));
    p.put("median", plugin("median", Map.of("n_startup_trials", 5.0)));
    p.put("percentile", plugin("percentile", Map.of("percentile", 25.0, "n_startup_trials", 5.0)));
    p.put("successive-halving", plugin("successive-halving", Map.of()));
    p.put(
        "hyperband",
        plugin(
            "hyperband",
            Map.of("min_resource", 1.0, "max_resource", (double) steps, "reduction_factor", 3.0)));
    // gentler: the first rung after 10 % of the steps, a third promoted at each rung
    p.put(
        "successive-halving-r10",
        plugin("successive-halving", Map.of("min_resource", 10.0, "reduction_factor", 3.0)));
    p.put(
        "hyperband-r10",
        plugin(
            "hyperband",
            Map.of("min_resource", 10.0, "max_resource", (double) steps, "reduction_factor", 3.0)));
    // in between: the first rung of the most aggressive bracket at step 3 or 5
    p.put(
        "hyperband-r3",
        plugin(
            "hyperband",
            Map.of("min_resource", 3.0, "max_resource", (double) steps, "reduction_factor", 3.0)));
    p.put(
        "hyperband-r5",
        plugin(
            "hyperband",
            Map.of("min_resource", 5.0, "max_resource", (double) steps, "reduction_factor", 3.0)));
    p.put("threshold", plugin("threshold", Map.of("upper", 2.0)));
    p.put(
        "patient",
        PluginSpec.newBuilder()
            .setName("patient")
            .setSettings(
                Struct.newBuilder()
                    .putFields("patience", number(3))
                    .putFields("wrapped", Value.newBuilder().setStringValue("median").build())
                    .putFields(
                        "wrapped_settings",
                        Value.newBuilder()
                            .setStructValue(
                                Struct.newBuilder().putFields("n_startup_trials", number(5)))
                            .build()))
            .build());
    // no counterpart in Optuna 3.1 (its WilcoxonPruner came with 3.6): Vernier's row only
    p.put("wilcoxon", plugin("wilcoxon", Map.of()));
    if (only != null) {
      p.keySet().retainAll(only);
    }
    return p;
  }

  private static PluginSpec plugin(String name, Map<String, Double> settings) {
    Struct.Builder s = Struct.newBuilder();
    settings.forEach((k, v) -> s.putFields(k, number(v)));
    return PluginSpec.newBuilder().setName(name).setSettings(s).build();
  }

  private static Value number(double v) {
    return Value.newBuilder().setNumberValue(v).build();
  }

  record Run(
      String impl,
      String problem,
      String pruner,
      int seed,
      long steps,
      double best,
      long stepsToTarget) {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new PrunerBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (multiFidelity) {
      return multiFidelity();
    }
    List<Run> runs = new ArrayList<>();
    try (VernierServer server =
            VernierServer.create(new ServerConfig("127.0.0.1", 0, -1, ServerConfig.MEMORY, null))
                .start();
        VernierClient client = VernierClient.connect("127.0.0.1:" + server.grpcPort())) {
      for (Map.Entry<String, Problem> problem : PROBLEMS.entrySet()) {
        for (Map.Entry<String, PluginSpec> pruner : pruners().entrySet()) {
          for (int seed = 0; seed < seeds; seed++) {
            // named as optuna_pruners.py names its studies, so Hyperband puts each trial in the
            // same bracket
            String study = problem.getKey() + "-" + pruner.getKey() + "-" + seed;
            runs.add(
                run(
                    client,
                    study,
                    problem.getKey(),
                    problem.getValue(),
                    PluginSpec.newBuilder().setName("random").build(),
                    pruner.getKey(),
                    pruner.getValue(),
                    seed,
                    true));
          }
          System.err.printf("vernier %s %s done%n", problem.getKey(), pruner.getKey());
        }
      }
    }
    if (!python.isEmpty()) {
      runs.addAll(optuna());
    }
    print(runs);
    return 0;
  }

  /**
   * One study; {@code fixedConfigs}: its trials are {@link #configuration}s, enqueued, instead of
   * the sampler's.
   */
  private Run run(
      VernierClient client,
      String study,
      String problemName,
      Problem problem,
      PluginSpec sampler,
      String prunerName,
      PluginSpec pruner,
      int seed,
      boolean fixedConfigs) {
    StudySpec.Builder spec = StudySpec.newBuilder();
    for (int i = 0; i < problem.dimensions(); i++) {
      spec.addParameters(
          ParameterSpec.newBuilder()
              .setName("x" + i)
              .setFloatDomain(FloatDomain.newBuilder().setMax(1)));
    }
    client.createStudy(
        study,
        spec.addObjectives(
                Objective.newBuilder().setMetric("loss").setDirection(Direction.MINIMIZE))
            .setSampler(sampler)
            .setPruner(pruner)
            .setSeed(Int64Value.of(seed))
            .setLimits(Limits.newBuilder().setMaxTrials(trials))
            .build());
    if (fixedConfigs) {
      EnqueueTrialsRequest.Builder enqueue =
          EnqueueTrialsRequest.newBuilder().setStudy("studies/" + study);
      for (int i = 0; i < trials; i++) {
        double[] x = configuration(seed, i);
        enqueue.addTrials(
            TrialParams.newBuilder()
                .putParams("x0", ParamValue.newBuilder().setDoubleValue(x[0]).build())
                .putParams("x1", ParamValue.newBuilder().setDoubleValue(x[1]).build()));
      }
      client.studies().enqueueTrials(enqueue.build());
    }
    long spent = 0;
    long toTarget = -1;
    double best = Double.POSITIVE_INFINITY;
    Optional<ActiveTrial> next;
    while ((next = client.ask("studies/" + study, "bench")).isPresent()) {
      ActiveTrial t = next.get();
      double[] x = new double[problem.dimensions()];
      for (int i = 0; i < x.length; i++) {
        x[i] = t.getDouble("x" + i);
      }
      boolean pruned = false;
      double value = Double.NaN;
      for (int step = 1; step <= steps && !pruned; step++) {
        value = problem.loss(x, step);
        spent++;
        t.report(step, Map.of("loss", value));
        pruned = t.shouldStop();
      }
      if (pruned) {
        t.prune();
      } else {
        t.succeed(Map.of("loss", value));
        best = Math.min(best, value);
        if (toTarget < 0 && best <= problem.target()) {
          toTarget = spent;
        }
      }
    }
    return new Run("vernier", problemName, prunerName, seed, spent, best, toTarget);
  }

  private List<Run> optuna() throws Exception {
    Path script = Path.of("bench/src/main/python/optuna_pruners.py");
    Process p =
        new ProcessBuilder(
                python,
                script.toString(),
                "--trials",
                Integer.toString(trials),
                "--seeds",
                Integer.toString(seeds),
                "--steps",
                Integer.toString(steps),
                "--pruners",
                only == null ? "" : String.join(",", only))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    List<Run> out = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        JsonNode n = json.readTree(line);
        out.add(
            new Run(
                n.get("impl").asText(),
                n.get("problem").asText(),
                n.get("pruner").asText(),
                n.get("seed").asInt(),
                n.get("steps").asLong(),
                n.get("best").asDouble(),
                -1));
      }
    }
    if (p.waitFor() != 0) {
      throw new IllegalStateException("optuna_pruners.py failed with exit code " + p.exitValue());
    }
    return out;
  }

  /**
   * Steps until the best final value reaches each problem's target, per sampler, all under the
   * hyperband pruner.
   */
  private int multiFidelity() throws Exception {
    PluginSpec hyperband =
        plugin(
            "hyperband",
            Map.of("min_resource", 1.0, "max_resource", (double) steps, "reduction_factor", 3.0));
    Map<String, PluginSpec> samplers = new LinkedHashMap<>();
    samplers.put("random + hyperband", PluginSpec.newBuilder().setName("random").build());
    samplers.put("tpe + hyperband", PluginSpec.newBuilder().setName("tpe").build());
    samplers.put(
        "bohb + hyperband",
        plugin(
            "bohb",
            Map.of("min_resource", 1.0, "max_resource", (double) steps, "reduction_factor", 3.0)));
    System.out.printf(
        "| problem | strategy | reached the target (of %d seeds) | median steps to reach it |"
            + " median best final | median steps spent |%n",
        seeds);
    System.out.println("|---|---|---|---|---|---|");
    try (VernierServer server =
            VernierServer.create(new ServerConfig("127.0.0.1", 0, -1, ServerConfig.MEMORY, null))
                .start();
        VernierClient client = VernierClient.connect("127.0.0.1:" + server.grpcPort())) {
      int id = 0;
      List<String> pairs = new ArrayList<>();
      for (Map.Entry<String, Problem> problem : multiFidelityProblems().entrySet()) {
        Map<String, double[]> stepsToTarget = new LinkedHashMap<>();
        for (Map.Entry<String, PluginSpec> s : samplers.entrySet()) {
          List<Run> runs = new ArrayList<>();
          for (int seed = 0; seed < seeds; seed++) {
            runs.add(
                run(
                    client,
                    "m" + id++,
                    problem.getKey(),
                    problem.getValue(),
                    s.getValue(),
                    "hyperband",
                    hyperband,
                    seed,
                    false));
          }
          // a run that never reached the target counts as spending everything and more
          double[] toTarget =
              runs.stream()
                  .mapToDouble(
                      r -> r.stepsToTarget() < 0 ? Double.POSITIVE_INFINITY : r.stepsToTarget())
                  .toArray();
          stepsToTarget.put(s.getKey(), toTarget);
          long reached = runs.stream().filter(r -> r.stepsToTarget() >= 0).count();
          System.out.printf(
              Locale.ROOT,
              "| %s | %s | %d | %s | %.4f | %.0f |%n",
              problem.getKey(),
              s.getKey(),
              reached,
              fmt(Stats.median(toTarget)),
              Stats.median(runs.stream().mapToDouble(Run::best).toArray()),
              Stats.median(runs.stream().mapToDouble(Run::steps).toArray()));
        }
        PairedTest t =
            PairedTest.of(
                stepsToTarget.get("bohb + hyperband"), stepsToTarget.get("tpe + hyperband"));
        pairs.add(
            String.format(
                Locale.ROOT,
                "| %s | %.2f | %s | %.3g | %s |",
                problem.getKey(),
                problem.getValue().target(),
                fmt(t.medianDifference()),
                t.p(),
                t.verdict(0.05)));
      }
      System.out.printf(
          "%n| problem | target | steps to reach it: median paired difference (bohb - tpe) | p |"
              + " bohb |%n|---|---|---|---|---|%n");
      pairs.forEach(System.out::println);
    }
    return 0;
  }

  private static String fmt(double v) {
    return Double.isInfinite(v)
        ? "not reached"
        : Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.0f", v);
  }

  private void print(List<Run> runs) {
    Map<String, List<Run>> groups = new TreeMap<>();
    for (Run r : runs) {
      groups
          .computeIfAbsent(r.problem() + "|" + r.pruner() + "|" + r.impl(), k -> new ArrayList<>())
          .add(r);
    }
    System.out.println(
        "| problem | pruner | implementation | median steps | steps vs none | median best final |"
            + " best vs none |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (String problem : PROBLEMS.keySet()) {
      for (String pruner : pruners().keySet()) {
        for (String impl : List.of("vernier", "optuna-3.1")) {
          List<Run> g = groups.get(problem + "|" + pruner + "|" + impl);
          List<Run> none = groups.get(problem + "|none|" + impl);
          if (g == null || none == null) {
            continue;
          }
          double steps = Stats.median(g.stream().mapToDouble(Run::steps).toArray());
          double best = Stats.median(g.stream().mapToDouble(Run::best).toArray());
          double noneSteps = Stats.median(none.stream().mapToDouble(Run::steps).toArray());
          double noneBest = Stats.median(none.stream().mapToDouble(Run::best).toArray());
          System.out.printf(
              Locale.ROOT,
              "| %s | %s | %s | %.0f | %.2f | %.4f | %+.1f %% |%n",
              problem,
              pruner,
              impl,
              steps,
              steps / noneSteps,
              best,
              100 * (best - noneBest) / noneBest);
        }
      }
    }
    pairedComparison(groups);
  }

  /**
   * Vernier against Optuna per pruner, seed by seed: both trained the same configurations, so a
   * paired Wilcoxon signed-rank test over seeds compares the pruners alone.
   */
  private void pairedComparison(Map<String, List<Run>> groups) {
    System.out.println();
    System.out.println(
        "| problem | pruner | steps: median paired difference (Vernier - Optuna) | p | "
            + "best final: median paired difference | p | Vernier |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (String problem : PROBLEMS.keySet()) {
      for (String pruner : pruners().keySet()) {
        List<Run> v = groups.get(problem + "|" + pruner + "|vernier");
        List<Run> o = groups.get(problem + "|" + pruner + "|optuna-3.1");
        if (v == null || o == null || pruner.equals("none")) {
          continue;
        }
        v.sort(java.util.Comparator.comparingInt(Run::seed));
        o.sort(java.util.Comparator.comparingInt(Run::seed));
        PairedTest steps =
            PairedTest.of(
                v.stream().mapToDouble(Run::steps).toArray(),
                o.stream().mapToDouble(Run::steps).toArray());
        PairedTest best =
            PairedTest.of(
                v.stream().mapToDouble(Run::best).toArray(),
                o.stream().mapToDouble(Run::best).toArray());
        System.out.printf(
            Locale.ROOT,
            "| %s | %s | %+.0f | %.3g | %+.5f | %.3g | %s |%n",
            problem,
            pruner,
            steps.medianDifference(),
            steps.p(),
            best.medianDifference(),
            best.p(),
            verdict(steps, best));
      }
    }
  }

  /**
   * At least as good on both axes unless a significant loss on one is not paid back on the other.
   */
  private static String verdict(PairedTest steps, PairedTest best) {
    boolean fewerSteps = steps.p() < 0.05 && steps.aBetter();
    boolean moreSteps = steps.p() < 0.05 && !steps.aBetter();
    boolean betterFinal = best.p() < 0.05 && best.aBetter();
    boolean worseFinal = best.p() < 0.05 && !best.aBetter();
    if (!moreSteps && !worseFinal) {
      return fewerSteps || betterFinal
          ? "**better** on "
              + (fewerSteps && betterFinal ? "both" : fewerSteps ? "steps" : "final value")
          : "matches";
    }
    if (moreSteps && worseFinal) {
      return "**worse** on both";
    }
    return moreSteps
        ? (betterFinal ? "trade-off: more steps, better final" : "**worse**: more steps")
        : (fewerSteps ? "trade-off: fewer steps, worse final" : "**worse**: final value");
  }
}
