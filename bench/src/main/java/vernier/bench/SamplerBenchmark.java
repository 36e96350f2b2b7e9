package vernier.bench;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.DoubleValue;
import com.google.protobuf.Int64Value;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.DoubleAccumulator;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import vernier.cli.PluginArgs;
import vernier.client.ActiveTrial;
import vernier.client.VernierClient;
import vernier.server.ServerConfig;
import vernier.server.VernierServer;
import vernier.v1.Constraint;
import vernier.v1.Direction;
import vernier.v1.Limits;
import vernier.v1.Objective;
import vernier.v1.ParamValue;
import vernier.v1.PluginSpec;
import vernier.v1.StudySpec;

/**
 * Sample efficiency: the public problems of ../shared/bench/optuna_reference.py and their shifted
 * variants ({@link Problems}), run through the server's real API (100 trials x 10 seeds per problem
 * and sampler), beside Optuna 3.1 run on identical definitions
 * (bench/src/main/python/optuna_shifted.py, which delegates to the reference script) in the same
 * invocation. Prints the median best value and its quartiles per (problem, sampler), then paired
 * Wilcoxon signed-rank tests over seeds of Vernier against Optuna per problem.
 */
@Command(name = "sampler-bench", mixinStandardHelpOptions = true)
public final class SamplerBenchmark implements Callable<Integer> {

  @Option(names = "--trials", defaultValue = "100")
  int trials;

  @Option(names = "--seeds", defaultValue = "10")
  int seeds;

  @Option(
      names = "--samplers",
      defaultValue = "random,tpe,tpe-univariate",
      split = ",",
      description =
          "Any installed sampler's name, as a study spec names it, optionally with settings "
              + "(gp:warp_output=false); tpe-univariate is tpe with multivariate off.")
  List<String> samplers;

  @Option(
      names = "--problems",
      split = ",",
      defaultValue =
          "branin,hartmann6,rosenbrock5,ackley5,styblinski5,mixed,"
              + "rosenbrock5-shifted,ackley5-shifted,styblinski5-shifted",
      description =
          "Problem names; 'constrained' stands for every constrained problem. A constrained run's"
              + " best is its best feasible value (Infinity: none feasible).")
  List<String> problems;

  @Option(
      names = "--optuna-script",
      defaultValue = "bench/src/main/python/optuna_shifted.py",
      description =
          "Script with optuna_reference.py's 'quality' CLI and JSON lines (per-seed 'bests'); '' to"
              + " skip.")
  String optunaScript;

  @Option(
      names = "--optuna-samplers",
      defaultValue = "random,tpe,tpe-mv",
      description =
          "Optuna samplers; tpe-cl is TPE with constant_liar=True run with --workers threads"
              + " (n_jobs) on one in-memory study.")
  String optunaSamplers;

  @Option(
      names = "--workers",
      defaultValue = "1",
      description =
          "Concurrent workers per Vernier study (threads asking and telling through the real"
              + " server); Optuna's tpe-cl runs with as many n_jobs.")
  int workers;

  @Option(
      names = "--alpha",
      defaultValue = "0.05",
      description = "Significance level of the paired tests.")
  double alpha;

  @Option(
      names = "--all-pairs",
      description =
          "Also test every Vernier sampler against every Optuna sampler "
              + "(a third table), not only best against best and auto against tpe.")
  boolean allPairs;

  /**
   * A sampler's name, optionally with settings: {@code gp:warp_output=false:n_startup_trials=5}.
   */
  static PluginSpec sampler(String name) {
    return PluginArgs.parse(name.equals("tpe-univariate") ? "tpe:multivariate=false" : name);
  }

  record Result(String problem, String sampler, double[] bests) {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new SamplerBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Map<String, Problems.Problem> all = Problems.all();
    problems =
        problems.stream()
            .flatMap(n -> n.equals("constrained") ? Problems.CONSTRAINED.stream() : Stream.of(n))
            .toList();
    for (String name : problems) {
      if (!all.containsKey(name)) {
        throw new CommandLine.ParameterException(
            new CommandLine(this), "unknown problem " + name + "; known: " + all.keySet());
      }
    }
    List<Result> results = new ArrayList<>();
    try (VernierServer server =
            VernierServer.create(new ServerConfig("127.0.0.1", 0, -1, ServerConfig.MEMORY, null))
                .start();
        VernierClient client = VernierClient.connect("127.0.0.1:" + server.grpcPort())) {
      int id = 0;
      for (String name : problems) {
        Problems.Problem problem = all.get(name);
        for (String s : samplers) {
          double[] bests = new double[seeds];
          long start = System.nanoTime();
          for (int seed = 0; seed < seeds; seed++) {
            bests[seed] = run(client, "s" + id++, problem, sampler(s), seed);
          }
          results.add(new Result(name, "vernier-" + s, bests));
          System.err.printf(
              Locale.ROOT,
              "%s %s, %d worker(s): %.1f s%n",
              name,
              s,
              workers,
              (System.nanoTime() - start) / 1e9);
        }
      }
    }
    if (!optunaScript.isEmpty()) {
      results.addAll(optuna());
    }
    print(results);
    new Comparisons(problems, results, alpha, allPairs).print();
    return 0;
  }

  /** The best objective value over the study's feasible trials; infinite when none was feasible. */
  private double run(
      VernierClient client, String study, Problems.Problem problem, PluginSpec sampler, int seed) {
    StudySpec.Builder spec =
        problem
            .space()
            .clone()
            .addObjectives(
                Objective.newBuilder().setMetric("value").setDirection(Direction.MINIMIZE))
            .setSampler(sampler)
            .setSeed(Int64Value.of(seed))
            .setLimits(Limits.newBuilder().setMaxTrials(trials));
    problem
        .constraints()
        .forEach(
            b ->
                spec.addConstraints(
                    Constraint.newBuilder()
                        .setMetric(b.metric())
                        .setUpperBound(DoubleValue.of(b.upper()))));
    client.createStudy(study, spec.build());
    DoubleAccumulator best = new DoubleAccumulator(Math::min, Double.POSITIVE_INFINITY);
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int w = 0; w < workers; w++) {
      String worker = "bench-" + w;
      Thread t =
          new Thread(
              () -> {
                try {
                  Optional<ActiveTrial> next;
                  while ((next = client.ask("studies/" + study, worker)).isPresent()) {
                    Map<String, ParamValue> params = next.get().params();
                    double v = problem.objective().applyAsDouble(params);
                    Map<String, Double> told = new HashMap<>(Map.of("value", v));
                    problem
                        .constraints()
                        .forEach(b -> told.put(b.metric(), b.value().applyAsDouble(params)));
                    next.get().succeed(told);
                    if (Problems.feasible(problem, params)) {
                      best.accumulate(v);
                    }
                  }
                } catch (RuntimeException e) {
                  failures.add(e);
                }
              },
              worker);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("a worker of " + study + " failed", failures.get(0));
    }
    return best.get();
  }

  private List<Result> optuna() throws Exception {
    List<String> kinds = new ArrayList<>(List.of(optunaSamplers.split(",")));
    List<Result> out = new ArrayList<>();
    if (kinds.remove("tpe-cl")) {
      out.addAll(optuna("parallel", "--n-jobs", Integer.toString(workers)));
    }
    if (!kinds.isEmpty()) {
      out.addAll(optuna("quality", "--samplers", String.join(",", kinds)));
    }
    return out;
  }

  private List<Result> optuna(String mode, String option, String value) throws Exception {
    Process p =
        new ProcessBuilder(
                "/usr/bin/python3",
                optunaScript,
                mode,
                "--trials",
                Integer.toString(trials),
                "--seeds",
                Integer.toString(seeds),
                option,
                value,
                "--problems",
                String.join(",", problems))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    List<Result> out = new ArrayList<>();
    // a constrained run without a feasible trial has best Infinity
    ObjectMapper json =
        new ObjectMapper().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS.mappedFeature());
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        JsonNode n = json.readTree(line);
        double[] bests = new double[n.get("bests").size()];
        for (int i = 0; i < bests.length; i++) {
          bests[i] = n.get("bests").get(i).asDouble();
        }
        out.add(new Result(n.get("problem").asText(), n.get("sampler").asText(), bests));
      }
    }
    if (p.waitFor() != 0) {
      throw new IllegalStateException(
          "Optuna script " + optunaScript + " failed: exit " + p.exitValue());
    }
    return out;
  }

  private void print(List<Result> results) {
    Map<String, List<Result>> byProblem = new TreeMap<>();
    results.forEach(r -> byProblem.computeIfAbsent(r.problem(), k -> new ArrayList<>()).add(r));
    System.out.printf(
        "| problem | sampler | median best | 25 %% | 75 %% | median regret |%n"
            + "|---|---|---|---|---|---|%n");
    for (String problem : problems) {
      for (Result r : byProblem.getOrDefault(problem, List.of())) {
        double[] s = r.bests().clone();
        Arrays.sort(s);
        Double optimum = Problems.OPTIMA.get(problem);
        System.out.printf(
            Locale.ROOT,
            "| %s | %s | %.5g | %.5g | %.5g | %s |%n",
            problem,
            r.sampler(),
            Stats.quantile(s, 0.5),
            Stats.quantile(s, 0.25),
            Stats.quantile(s, 0.75),
            optimum == null
                ? "—"
                : String.format(Locale.ROOT, "%.4g", Stats.quantile(s, 0.5) - optimum));
      }
    }
  }
}
