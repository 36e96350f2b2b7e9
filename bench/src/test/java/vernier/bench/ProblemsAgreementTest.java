package vernier.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import vernier.v1.ParamValue;
import vernier.v1.ParameterSpec;

/**
 * The Java problems and the Python ones Optuna runs on (optuna_shifted.py over the shared reference
 * script) must be the same functions, or the sampler comparison compares different problems.
 */
final class ProblemsAgreementTest {

  private static final String PYTHON = "/usr/bin/python3";
  private static final String SCRIPT = "src/main/python/optuna_shifted.py";
  private static final String REFERENCE = "../../shared/bench/optuna_reference.py";

  /** Where each unshifted problem's optimum lies (the same value in every coordinate). */
  private static final Map<String, Double> ARGMIN =
      Map.of("rosenbrock5", 1.0, "ackley5", 0.0, "styblinski5", -2.903534);

  @Test
  void shiftedOptimum_staysInTheBoxWithTheSameValue() {
    Map<String, Problems.Problem> all = Problems.all();
    Problems.SHIFTS.forEach(
        (name, s) -> {
          Map<String, ParamValue> at = new LinkedHashMap<>();
          List<ParameterSpec> space = all.get(name + "-shifted").space().getParametersList();
          for (int i = 0; i < s.length; i++) {
            double x = ARGMIN.get(name) + s[i];
            assertThat(x)
                .isBetween(
                    space.get(i).getFloatDomain().getMin(), space.get(i).getFloatDomain().getMax());
            at.put("x" + i, ParamValue.newBuilder().setDoubleValue(x).build());
          }
          double optimum =
              all.get(name).objective().applyAsDouble(unshiftedArgmin(s.length, ARGMIN.get(name)));
          assertThat(all.get(name + "-shifted").objective().applyAsDouble(at))
              .isCloseTo(optimum, within(1e-9));
        });
  }

  @Test
  void everyProblem_givesTheSameValuesInJavaAndPython() throws Exception {
    assumeTrue(
        Files.exists(Path.of(REFERENCE)) && pythonWithOptuna(),
        "needs ../shared/bench/optuna_reference.py and /usr/bin/python3 with Debian's"
            + " python3-optuna");
    ObjectMapper json = new ObjectMapper();
    Random random = new Random(7);
    List<String> requests = new ArrayList<>();
    List<List<Double>> expected = new ArrayList<>(); // the objective, then each constraint's value
    for (Map.Entry<String, Problems.Problem> p : Problems.all().entrySet()) {
      for (int k = 0; k < 20; k++) {
        Map<String, ParamValue> params = sample(p.getValue().space().getParametersList(), random);
        List<Double> values =
            new ArrayList<>(List.of(p.getValue().objective().applyAsDouble(params)));
        p.getValue().constraints().forEach(b -> values.add(b.value().applyAsDouble(params)));
        expected.add(values);
        requests.add(
            json.writeValueAsString(Map.of("problem", p.getKey(), "params", plain(params))));
      }
    }
    List<List<Double>> actual = python(requests, json);
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      assertThat(actual.get(i)).as(requests.get(i)).hasSameSizeAs(expected.get(i));
      for (int k = 0; k < expected.get(i).size(); k++) {
        double e = expected.get(i).get(k);
        assertThat(actual.get(i).get(k))
            .as(requests.get(i) + " value " + k)
            .isCloseTo(e, within(1e-9 * Math.max(1, Math.abs(e))));
      }
    }
  }

  @Test
  void constrainedProblems_cutOffTheirUnconstrainedOptimum() {
    Map<String, Problems.Problem> all = Problems.all();
    // hartmann6's minimiser (sum 2.07) breaks sum(x) <= 2; adam with 4 layers breaks the memory
    // budget
    double[] hartmannArgmin = {0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573};
    Map<String, ParamValue> h = new LinkedHashMap<>();
    for (int i = 0; i < 6; i++) {
      h.put("x" + i, ParamValue.newBuilder().setDoubleValue(hartmannArgmin[i]).build());
    }
    assertThat(all.get("hartmann6-l1").objective().applyAsDouble(h))
        .isCloseTo(-3.32237, within(1e-4));
    assertThat(Problems.feasible(all.get("hartmann6-l1"), h)).isFalse();
    Map<String, ParamValue> adam4 =
        Map.of(
            "lr",
            ParamValue.newBuilder().setDoubleValue(3e-3).build(),
            "layers",
            ParamValue.newBuilder().setIntValue(4).build(),
            "optimizer",
            ParamValue.newBuilder().setStringValue("adam").build(),
            "dropout",
            ParamValue.newBuilder().setDoubleValue(0.2).build());
    assertThat(all.get("mixed-memory").objective().applyAsDouble(adam4))
        .isCloseTo(0, within(1e-12));
    assertThat(Problems.feasible(all.get("mixed-memory"), adam4)).isFalse();
    // gramacy's optimum (Gramacy et al. 2016) is feasible and near both constraints' boundaries
    Map<String, ParamValue> g =
        Map.of(
            "x0",
            ParamValue.newBuilder().setDoubleValue(0.1954).build(),
            "x1",
            ParamValue.newBuilder().setDoubleValue(0.4044).build());
    assertThat(all.get("gramacy").objective().applyAsDouble(g)).isCloseTo(0.5998, within(1e-3));
    assertThat(all.get("gramacy").constraints().get(0).value().applyAsDouble(g))
        .isCloseTo(0, within(0.01));
  }

  private static Map<String, ParamValue> unshiftedArgmin(int d, double x) {
    Map<String, ParamValue> at = new LinkedHashMap<>();
    for (int i = 0; i < d; i++) {
      at.put("x" + i, ParamValue.newBuilder().setDoubleValue(x).build());
    }
    return at;
  }

  /** A uniform point of the space (log-uniform for log-scale floats). */
  private static Map<String, ParamValue> sample(List<ParameterSpec> space, Random random) {
    Map<String, ParamValue> out = new LinkedHashMap<>();
    for (ParameterSpec p : space) {
      ParamValue.Builder v = ParamValue.newBuilder();
      switch (p.getDomainCase()) {
        case FLOAT_DOMAIN -> {
          double lo = p.getFloatDomain().getMin();
          double hi = p.getFloatDomain().getMax();
          v.setDoubleValue(
              p.getFloatDomain().getLogScale()
                  ? Math.exp(Math.log(lo) + random.nextDouble() * (Math.log(hi) - Math.log(lo)))
                  : lo + random.nextDouble() * (hi - lo));
        }
        case INT_DOMAIN ->
            v.setIntValue(
                p.getIntDomain().getMin()
                    + random.nextInt(
                        (int) (p.getIntDomain().getMax() - p.getIntDomain().getMin() + 1)));
        case CATEGORICAL ->
            v.mergeFrom(
                p.getCategorical()
                    .getChoices(random.nextInt(p.getCategorical().getChoicesCount())));
        default -> throw new IllegalArgumentException(p.toString());
      }
      out.put(p.getName(), v.build());
    }
    return out;
  }

  private static Map<String, Object> plain(Map<String, ParamValue> params) {
    Map<String, Object> out = new LinkedHashMap<>();
    params.forEach(
        (k, v) ->
            out.put(
                k,
                switch (v.getKindCase()) {
                  case DOUBLE_VALUE -> v.getDoubleValue();
                  case INT_VALUE -> v.getIntValue();
                  case STRING_VALUE -> v.getStringValue();
                  default -> throw new IllegalArgumentException(v.toString());
                }));
    return out;
  }

  private static List<List<Double>> python(List<String> requests, ObjectMapper json)
      throws Exception {
    Process p =
        new ProcessBuilder(PYTHON, SCRIPT, "values")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try (Writer w = p.outputWriter(StandardCharsets.UTF_8)) {
      for (String r : requests) {
        w.write(r + "\n");
      }
    }
    List<List<Double>> values = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        JsonNode n = json.readTree(line);
        List<Double> v = new ArrayList<>(List.of(n.get("value").asDouble()));
        n.get("constraints").forEach(c -> v.add(c.asDouble()));
        values.add(v);
      }
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    return values;
  }

  private static boolean pythonWithOptuna() throws Exception {
    try {
      Process p =
          new ProcessBuilder(PYTHON, "-c", "import optuna").redirectErrorStream(true).start();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
