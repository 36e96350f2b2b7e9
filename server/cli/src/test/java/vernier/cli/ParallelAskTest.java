package vernier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vernier.client.ActiveTrial;
import vernier.client.VernierClient;
import vernier.v1.Direction;
import vernier.v1.FloatDomain;
import vernier.v1.Objective;
import vernier.v1.ParameterSpec;
import vernier.v1.PluginSpec;
import vernier.v1.StudySpec;

/**
 * Parallel safety against the real server process: 16 workers asking at once, after the model has
 * data, get 16 different points of a continuous space from every model-based sampler.
 */
final class ParallelAskTest {

  @TempDir static Path dir;

  static ServerProcess server;

  @BeforeAll
  static void start() throws Exception {
    server = ServerProcess.start(dir.resolve("parallel.db"), ServerProcess.freePort());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"auto", "gp", "tpe", "cmaes"})
  void sixteenWorkersAskingAtOnce_getSixteenDifferentPoints(String sampler) throws Exception {
    String study = "parallel-" + sampler;
    try (VernierClient client = VernierClient.connect(server.target())) {
      client.createStudy(
          study,
          StudySpec.newBuilder()
              .addParameters(
                  ParameterSpec.newBuilder()
                      .setName("x")
                      .setFloatDomain(FloatDomain.newBuilder().setMin(-5).setMax(5)))
              .addParameters(
                  ParameterSpec.newBuilder()
                      .setName("y")
                      .setFloatDomain(FloatDomain.newBuilder().setMin(-5).setMax(5)))
              .addObjectives(
                  Objective.newBuilder().setMetric("loss").setDirection(Direction.MINIMIZE))
              .setSampler(PluginSpec.newBuilder().setName(sampler))
              .build());
      for (int i = 0; i < 12; i++) { // past every sampler's random start-up
        try (ActiveTrial t = client.ask("studies/" + study, "warm-up").orElseThrow()) {
          double x = t.getDouble("x");
          double y = t.getDouble("y");
          t.succeed(Map.of("loss", (x - 1) * (x - 1) + (y + 2) * (y + 2)));
        }
      }
      ExecutorService pool = Executors.newFixedThreadPool(16);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<ActiveTrial>> asks = new ArrayList<>();
      for (int w = 0; w < 16; w++) {
        String worker = "w" + w;
        asks.add(
            pool.submit(
                () -> {
                  go.await();
                  return client.ask("studies/" + study, worker).orElseThrow();
                }));
      }
      go.countDown();
      List<double[]> points = new ArrayList<>();
      for (Future<ActiveTrial> f : asks) {
        ActiveTrial t = f.get();
        points.add(new double[] {t.getDouble("x"), t.getDouble("y")});
      }
      pool.shutdown();
      for (int i = 0; i < points.size(); i++) {
        for (int j = 0; j < i; j++) {
          assertThat(
                  Math.hypot(
                      points.get(i)[0] - points.get(j)[0], points.get(i)[1] - points.get(j)[1]))
              .as("%s: points %d and %d", sampler, i, j)
              .isGreaterThan(1e-6);
        }
      }
    }
  }
}
