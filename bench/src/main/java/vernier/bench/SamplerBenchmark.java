package vernier.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Int64Value;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import vernier.client.ActiveTrial;
import vernier.client.Parameters;
import vernier.client.VernierClient;
import vernier.server.ServerConfig;
import vernier.server.VernierServer;
import vernier.v1.Direction;
import vernier.v1.Limits;
import vernier.v1.Objective;
import vernier.v1.PluginSpec;
import vernier.v1.StudySpec;

/**
 * Sample efficiency: the public problems of ../shared/bench/optuna_reference.py, defined identically,
 * run through the server's real API (100 trials x 10 seeds per problem and sampler), beside Optuna
 * 3.1 run from the same reference script in the same invocation. Prints the median best value and
 * its quartiles per (problem, sampler).
 */
@Command(name = "sampler-bench", mixinStandardHelpOptions = true)
public final class SamplerBenchmark implements Callable<Integer> {

  @Option(names = "--trials", defaultValue = "100")
  int trials;

  @Option(names = "--seeds", defaultValue = "10")
  int seeds;

  @Option(names = "--samplers", defaultValue = "random,tpe,tpe-univariate", split = ",")
  List<String> samplers;

  @Option(names = "--problems", defaultValue = "branin,hartmann6,rosenbrock5,ackley5,styblinski5,mixed", split = ",")
  List<String> problems;

  @Option(names = "--optuna-script", defaultValue = "../shared/bench/optuna_reference.py",
      description = "Optuna 3.1 reference script; '' to skip.")
  String optunaScript;

  @Option(names = "--optuna-samplers", defaultValue = "random,tpe,tpe-mv")
  String optunaSamplers;

  /** A benchmark problem: its search space and objective (minimised). */
  record Problem(StudySpec.Builder space, ToDoubleFunction<ActiveTrial> objective) {}

  static Map<String, Problem> problems() {
    Map<String, Problem> p = new LinkedHashMap<>();
    p.put("branin", new Problem(box(2, new double[] {-5, 0}, new double[] {10, 15}), t -> {
      double x = t.getDouble("x0");
      double y = t.getDouble("x1");
      return Math.pow(y - 5.1 / (4 * Math.PI * Math.PI) * x * x + 5 / Math.PI * x - 6, 2)
          + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x) + 10;
    }));
    p.put("hartmann6", new Problem(box(6, fill(6, 0), fill(6, 1)), SamplerBenchmark::hartmann6));
    p.put("rosenbrock5", new Problem(box(5, fill(5, -5), fill(5, 10)), t -> {
      double s = 0;
      for (int i = 0; i < 4; i++) {
        double a = t.getDouble("x" + i);
        double b = t.getDouble("x" + (i + 1));
        s += 100 * Math.pow(b - a * a, 2) + Math.pow(1 - a, 2);
      }
      return s;
    }));
    p.put("ackley5", new Problem(box(5, fill(5, -32.768), fill(5, 32.768)), t -> {
      double sq = 0;
      double cos = 0;
      for (int i = 0; i < 5; i++) {
        double x = t.getDouble("x" + i);
        sq += x * x;
        cos += Math.cos(2 * Math.PI * x);
      }
      return -20 * Math.exp(-0.2 * Math.sqrt(sq / 5)) - Math.exp(cos / 5) + 20 + Math.E;
    }));
    p.put("styblinski5", new Problem(box(5, fill(5, -5), fill(5, 5)), t -> {
      double s = 0;
      for (int i = 0; i < 5; i++) {
        double x = t.getDouble("x" + i);
        s += Math.pow(x, 4) - 16 * x * x + 5 * x;
      }
      return 0.5 * s;
    }));
    p.put("mixed", new Problem(StudySpec.newBuilder()
        .addParameters(Parameters.logFloat("lr", 1e-5, 1.0))
        .addParameters(Parameters.integer("layers", 1, 8))
        .addParameters(Parameters.choice("optimizer", "adam", "sgd", "adagrad"))
        .addParameters(Parameters.floating("dropout", 0.0, 0.9)), t -> {
          String opt = t.getString("optimizer");
          double bestLr = Map.of("adam", 3e-3, "sgd", 5e-2, "adagrad", 1e-2).get(opt);
          double base = Map.of("adam", 0.0, "sgd", 0.08, "adagrad", 0.04).get(opt);
          return base + Math.pow(Math.log10(t.getDouble("lr")) - Math.log10(bestLr), 2) * 0.5
              + 0.02 * Math.pow(t.getInt("layers") - 4, 2) + 2 * Math.pow(t.getDouble("dropout") - 0.2, 2);
        }));
    return p;
  }

  private static final double[][] H6A = {{10, 3, 17, 3.5, 1.7, 8}, {0.05, 10, 17, 0.1, 8, 14},
      {3, 3.5, 1.7, 10, 17, 8}, {17, 8, 0.05, 10, 0.1, 14}};
  private static final double[][] H6P = {{1312, 1696, 5569, 124, 8283, 5886}, {2329, 4135, 8307, 3736, 1004, 9991},
      {2348, 1451, 3522, 2883, 3047, 6650}, {4047, 8828, 8732, 5743, 1091, 381}};
  private static final double[] H6C = {1.0, 1.2, 3.0, 3.2};

  private static double hartmann6(ActiveTrial t) {
    double total = 0;
    for (int i = 0; i < 4; i++) {
      double inner = 0;
      for (int j = 0; j < 6; j++) {
        inner += H6A[i][j] * Math.pow(t.getDouble("x" + j) - 1e-4 * H6P[i][j], 2);
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

  private static StudySpec.Builder box(int d, double[] lo, double[] hi) {
    StudySpec.Builder s = StudySpec.newBuilder();
    for (int i = 0; i < d; i++) {
      s.addParameters(Parameters.floating("x" + i, lo[i], hi[i]));
    }
    return s;
  }

  private static PluginSpec sampler(String name) {
    if (name.equals("tpe-univariate")) {
      return PluginSpec.newBuilder().setName("tpe").setSettings(Struct.newBuilder()
          .putFields("multivariate", Value.newBuilder().setBoolValue(false).build())).build();
    }
    return PluginSpec.newBuilder().setName(name).build();
  }

  record Result(String problem, String sampler, double[] bests) {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new SamplerBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    List<Result> results = new ArrayList<>();
    try (VernierServer server = VernierServer.create(new ServerConfig("127.0.0.1", 0, -1, ServerConfig.MEMORY, null))
        .start(); VernierClient client = VernierClient.connect("127.0.0.1:" + server.grpcPort())) {
      int id = 0;
      Map<String, Problem> all = problems();
      for (String name : problems) {
        Problem problem = all.get(name);
        for (String s : samplers) {
          double[] bests = new double[seeds];
          long start = System.nanoTime();
          for (int seed = 0; seed < seeds; seed++) {
            bests[seed] = run(client, "s" + id++, problem, sampler(s), seed);
          }
          results.add(new Result(name, "vernier-" + s, bests));
          System.err.printf(Locale.ROOT, "%s %s: %.1f s%n", name, s, (System.nanoTime() - start) / 1e9);
        }
      }
    }
    if (!optunaScript.isEmpty()) {
      results.addAll(optuna());
    }
    print(results);
    return 0;
  }

  private double run(VernierClient client, String study, Problem problem, PluginSpec sampler, int seed) {
    client.createStudy(study, problem.space().clone()
        .addObjectives(Objective.newBuilder().setMetric("value").setDirection(Direction.MINIMIZE))
        .setSampler(sampler).setSeed(Int64Value.of(seed)).setLimits(Limits.newBuilder().setMaxTrials(trials)).build());
    double best = Double.POSITIVE_INFINITY;
    Optional<ActiveTrial> next;
    while ((next = client.ask("studies/" + study, "bench")).isPresent()) {
      double v = problem.objective().applyAsDouble(next.get());
      next.get().succeeded(Map.of("value", v));
      best = Math.min(best, v);
    }
    return best;
  }

  private List<Result> optuna() throws Exception {
    Process p = new ProcessBuilder("/usr/bin/python3", optunaScript, "quality", "--trials", Integer.toString(trials),
        "--seeds", Integer.toString(seeds), "--samplers", optunaSamplers, "--problems", String.join(",", problems))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    List<Result> out = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
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
      throw new IllegalStateException("Optuna reference script failed: exit " + p.exitValue());
    }
    return out;
  }

  private void print(List<Result> results) {
    Map<String, List<Result>> byProblem = new TreeMap<>();
    results.forEach(r -> byProblem.computeIfAbsent(r.problem(), k -> new ArrayList<>()).add(r));
    System.out.printf("| problem | sampler | median best | 25 %% | 75 %% |%n|---|---|---|---|---|%n");
    for (String problem : problems) {
      for (Result r : byProblem.getOrDefault(problem, List.of())) {
        double[] s = r.bests().clone();
        Arrays.sort(s);
        System.out.printf(Locale.ROOT, "| %s | %s | %.5g | %.5g | %.5g |%n", problem, r.sampler(), Stats.quantile(s, 0.5),
            Stats.quantile(s, 0.25), Stats.quantile(s, 0.75));
      }
    }
  }
}
