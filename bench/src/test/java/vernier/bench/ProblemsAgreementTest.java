package vernier.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
  private static final Map<String, Double> ARGMIN = Map.of("rosenbrock5", 1.0, "ackley5", 0.0,
      "styblinski5", -2.903534);

  @Test
  void shiftedOptimum_staysInTheBoxWithTheSameValue() {
    Map<String, Problems.Problem> all = Problems.all();
    Problems.SHIFTS.forEach((name, s) -> {
      Map<String, ParamValue> at = new LinkedHashMap<>();
      List<ParameterSpec> space = all.get(name + "-shifted").space().getParametersList();
      for (int i = 0; i < s.length; i++) {
        double x = ARGMIN.get(name) + s[i];
        assertThat(x).isBetween(space.get(i).getFloatDomain().getMin(), space.get(i).getFloatDomain().getMax());
        at.put("x" + i, ParamValue.newBuilder().setDoubleValue(x).build());
      }
      double optimum = all.get(name).objective().applyAsDouble(unshiftedArgmin(s.length, ARGMIN.get(name)));
      assertThat(all.get(name + "-shifted").objective().applyAsDouble(at)).isCloseTo(optimum, within(1e-9));
    });
  }

  @Test
  void everyProblem_givesTheSameValuesInJavaAndPython() throws Exception {
    assumeTrue(Files.exists(Path.of(REFERENCE)) && pythonWithOptuna(),
        "needs ../shared/bench/optuna_reference.py and /usr/bin/python3 with Debian's python3-optuna");
    ObjectMapper json = new ObjectMapper();
    Random random = new Random(7);
    List<String> requests = new ArrayList<>();
    List<Double> expected = new ArrayList<>();
    for (Map.Entry<String, Problems.Problem> p : Problems.all().entrySet()) {
      for (int k = 0; k < 20; k++) {
        Map<String, ParamValue> params = sample(p.getValue().space().getParametersList(), random);
        expected.add(p.getValue().objective().applyAsDouble(params));
        requests.add(json.writeValueAsString(Map.of("problem", p.getKey(), "params", plain(params))));
      }
    }
    List<Double> actual = python(requests, json);
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      assertThat(actual.get(i)).as(requests.get(i)).isCloseTo(expected.get(i),
          within(1e-9 * Math.max(1, Math.abs(expected.get(i)))));
    }
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
          v.setDoubleValue(p.getFloatDomain().getLogScale()
              ? Math.exp(Math.log(lo) + random.nextDouble() * (Math.log(hi) - Math.log(lo)))
              : lo + random.nextDouble() * (hi - lo));
        }
        case INT_DOMAIN -> v.setIntValue(p.getIntDomain().getMin()
            + random.nextInt((int) (p.getIntDomain().getMax() - p.getIntDomain().getMin() + 1)));
        case CATEGORICAL -> v.mergeFrom(p.getCategorical().getChoices(random.nextInt(p.getCategorical().getChoicesCount())));
        default -> throw new IllegalArgumentException(p.toString());
      }
      out.put(p.getName(), v.build());
    }
    return out;
  }

  private static Map<String, Object> plain(Map<String, ParamValue> params) {
    Map<String, Object> out = new LinkedHashMap<>();
    params.forEach((k, v) -> out.put(k, switch (v.getKindCase()) {
      case DOUBLE_VALUE -> v.getDoubleValue();
      case INT_VALUE -> v.getIntValue();
      case STRING_VALUE -> v.getStringValue();
      default -> throw new IllegalArgumentException(v.toString());
    }));
    return out;
  }

  private static List<Double> python(List<String> requests, ObjectMapper json) throws Exception {
    Process p = new ProcessBuilder(PYTHON, SCRIPT, "values").redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try (Writer w = p.outputWriter(StandardCharsets.UTF_8)) {
      for (String r : requests) {
        w.write(r + "\n");
      }
    }
    List<Double> values = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        values.add(json.readTree(line).get("value").asDouble());
      }
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    return values;
  }

  private static boolean pythonWithOptuna() throws Exception {
    try {
      Process p = new ProcessBuilder(PYTHON, "-c", "import optuna").redirectErrorStream(true).start();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
