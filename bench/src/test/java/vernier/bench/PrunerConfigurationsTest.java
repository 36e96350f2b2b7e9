package vernier.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Both pruner harnesses must train the same configurations, or the comparison is of random streams.
 */
final class PrunerConfigurationsTest {

  @Test
  void configurationsAreUniformAndDifferPerSeed() {
    double sum = 0;
    for (int i = 0; i < 1000; i++) {
      double[] x = PrunerBenchmark.configuration(3, i);
      assertThat(x[0]).isBetween(0.0, 1.0);
      assertThat(x[1]).isBetween(0.0, 1.0);
      sum += x[0] + x[1];
    }
    assertThat(sum / 2000).isBetween(0.45, 0.55);
    assertThat(PrunerBenchmark.configuration(0, 0))
        .isNotEqualTo(PrunerBenchmark.configuration(1, 0));
  }

  @Test
  void javaAndPythonGiveTheSameConfigurations() throws Exception {
    Process p;
    try {
      p =
          new ProcessBuilder(
                  "/usr/bin/python3",
                  "src/main/python/optuna_pruners.py",
                  "--print-configurations",
                  "--seeds",
                  "3",
                  "--trials",
                  "50")
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
    } catch (java.io.IOException e) {
      assumeTrue(false, "needs /usr/bin/python3: " + e.getMessage());
      return;
    }
    int lines = 0;
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        JsonNode n = new ObjectMapper().readTree(line);
        int seed = n.get("seed").asInt();
        for (int i = 0; i < 50; i++) {
          double[] java = PrunerBenchmark.configuration(seed, i);
          assertThat(n.get("configurations").get(i).get(0).asDouble()).isEqualTo(java[0]);
          assertThat(n.get("configurations").get(i).get(1).asDouble()).isEqualTo(java[1]);
        }
        lines++;
      }
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assumeTrue(p.exitValue() == 0, "optuna_pruners.py needs Debian's python3-optuna");
    assertThat(lines).isEqualTo(3);
  }
}
