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
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
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
 * Multi-objective sample efficiency of random, nsga2 and nsga3: ZDT1 (10 variables) and DTLZ2 (3
 * objectives, 7 variables), through the server's real API, scored by the hypervolume of all trials'
 * objective values, beside Optuna 3.1 (bench/src/main/python/optuna_multiobjective.py, same
 * problems and reference points; it has no NSGA-III) in the same invocation.
 */
@Command(name = "mo-bench", mixinStandardHelpOptions = true)
public final class MultiObjectiveBenchmark implements Callable<Integer> {

  @Option(names = "--trials", defaultValue = "100")
  int trials;

  @Option(names = "--seeds", defaultValue = "10")
  int seeds;

  @Option(
      names = "--population",
      defaultValue = "20",
      description = "NSGA-II/III population, both implementations.")
  int population;

  @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "'' to skip Optuna.")
  String python;

  @Option(
      names = "--samplers",
      defaultValue = "random,nsga2,nsga3",
      split = ",",
      description =
          "Vernier samplers by name, optionally with settings (tpe:multivariate=false); tpe is"
              + " MOTPE with several objectives.")
  List<String> samplers;

  @Option(
      names = "--optuna-samplers",
      defaultValue = "random,nsga2",
      description = "Optuna's: random, nsga2, tpe (MOTPE).")
  String optunaSamplers;

  record Problem(int variables, double[] reference, Function<double[], double[]> f) {}

  static Map<String, Problem> problems() {
    Map<String, Problem> p = new LinkedHashMap<>();
    p.put(
        "zdt1",
        new Problem(
            10,
            new double[] {1.1, 11.0},
            x -> {
              double s = 0;
              for (int i = 1; i < x.length; i++) {
                s += x[i];
              }
              double g = 1 + 9 * s / (x.length - 1);
              return new double[] {x[0], g * (1 - Math.sqrt(x[0] / g))};
            }));
    p.put(
        "dtlz2",
        new Problem(
            7,
            new double[] {1.1, 1.1, 1.1},
            x -> {
              int m = 3;
              double g = 0;
              for (int i = m - 1; i < x.length; i++) {
                g += (x[i] - 0.5) * (x[i] - 0.5);
              }
              double[] f = new double[m];
              for (int i = 0; i < m; i++) {
                double v = 1 + g;
                for (int j = 0; j < m - 1 - i; j++) {
                  v *= Math.cos(x[j] * Math.PI / 2);
                }
                if (i > 0) {
                  v *= Math.sin(x[m - 1 - i] * Math.PI / 2);
                }
                f[i] = v;
              }
              return f;
            }));
    return p;
  }

  /** Hypervolume dominated by {@code points} up to {@code ref} (2 or 3 objectives, minimised). */
  static double hypervolume(List<double[]> points, double[] ref) {
    List<double[]> pts = new ArrayList<>();
    for (double[] p : points) {
      boolean inside = true;
      for (int i = 0; i < ref.length; i++) {
        inside &= p[i] < ref[i];
      }
      if (inside) {
        pts.add(p);
      }
    }
    if (pts.isEmpty()) {
      return 0;
    }
    if (ref.length == 2) {
      pts.sort(Comparator.<double[]>comparingDouble(p -> p[0]).thenComparingDouble(p -> p[1]));
      double hv = 0;
      double bestY = ref[1];
      for (double[] p : pts) {
        if (p[1] < bestY) {
          hv += (ref[0] - p[0]) * (bestY - p[1]);
          bestY = p[1];
        }
      }
      return hv;
    }
    pts.sort(Comparator.comparingDouble(p -> p[2])); // slices along the last objective
    double hv = 0;
    for (int i = 0; i < pts.size(); i++) {
      double upper = i + 1 < pts.size() ? pts.get(i + 1)[2] : ref[2];
      hv += hypervolume(pts.subList(0, i + 1), Arrays.copyOf(ref, 2)) * (upper - pts.get(i)[2]);
    }
    return hv;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new MultiObjectiveBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Map<String, double[]> results = new LinkedHashMap<>();
    try (VernierServer server =
            VernierServer.create(new ServerConfig("127.0.0.1", 0, -1, ServerConfig.MEMORY, null))
                .start();
        VernierClient client = VernierClient.connect("127.0.0.1:" + server.grpcPort())) {
      int id = 0;
      for (Map.Entry<String, Problem> e : problems().entrySet()) {
        for (String sampler : samplers) {
          double[] hv = new double[seeds];
          for (int seed = 0; seed < seeds; seed++) {
            hv[seed] = run(client, "mo" + id++, e.getValue(), sampler, seed);
          }
          results.put(e.getKey() + " | vernier-" + sampler, hv);
        }
      }
    }
    if (!python.isEmpty()) {
      results.putAll(optuna());
    }
    System.out.println("| problem | sampler | median hypervolume | 25 % | 75 % |");
    System.out.println("|---|---|---|---|---|");
    for (String problem : problems().keySet()) {
      results.forEach(
          (key, hv) -> {
            if (key.startsWith(problem + " |")) {
              System.out.printf(
                  Locale.ROOT,
                  "| %s | %.4f | %.4f | %.4f |%n",
                  key,
                  Stats.median(hv),
                  Stats.quantile(hv, 0.25),
                  Stats.quantile(hv, 0.75));
            }
          });
    }
    return 0;
  }

  private double run(
      VernierClient client, String study, Problem problem, String sampler, int seed) {
    StudySpec.Builder spec = StudySpec.newBuilder();
    for (int i = 0; i < problem.variables(); i++) {
      spec.addParameters(Parameters.floating("x" + i, 0, 1));
    }
    for (int i = 0; i < problem.reference().length; i++) {
      spec.addObjectives(
          Objective.newBuilder().setMetric("f" + i).setDirection(Direction.MINIMIZE));
    }
    PluginSpec.Builder s = SamplerBenchmark.sampler(sampler).toBuilder();
    if (sampler.startsWith("nsga")) {
      s.setSettings(
          Struct.newBuilder()
              .putFields("population_size", Value.newBuilder().setNumberValue(population).build()));
    }
    client.createStudy(
        study,
        spec.setSampler(s)
            .setSeed(Int64Value.of(seed))
            .setLimits(Limits.newBuilder().setMaxTrials(trials))
            .build());
    List<double[]> values = new ArrayList<>();
    Optional<ActiveTrial> next;
    while ((next = client.ask("studies/" + study, "bench")).isPresent()) {
      double[] x = new double[problem.variables()];
      for (int i = 0; i < x.length; i++) {
        x[i] = next.get().getDouble("x" + i);
      }
      double[] f = problem.f().apply(x);
      Map<String, Double> told = new HashMap<>();
      for (int i = 0; i < f.length; i++) {
        told.put("f" + i, f[i]);
      }
      next.get().succeed(told);
      values.add(f);
    }
    return hypervolume(values, problem.reference());
  }

  private Map<String, double[]> optuna() throws Exception {
    Process p =
        new ProcessBuilder(
                python,
                "bench/src/main/python/optuna_multiobjective.py",
                "--samplers",
                optunaSamplers,
                "--trials",
                Integer.toString(trials),
                "--seeds",
                Integer.toString(seeds),
                "--population",
                Integer.toString(population))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    Map<String, double[]> out = new LinkedHashMap<>();
    ObjectMapper json = new ObjectMapper();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        JsonNode n = json.readTree(line);
        double[] hv = new double[n.get("hypervolumes").size()];
        for (int i = 0; i < hv.length; i++) {
          hv[i] = n.get("hypervolumes").get(i).asDouble();
        }
        out.put(n.get("problem").asText() + " | " + n.get("sampler").asText(), hv);
      }
    }
    if (p.waitFor() != 0) {
      throw new IllegalStateException("optuna_multiobjective.py failed: exit " + p.exitValue());
    }
    return out;
  }
}
