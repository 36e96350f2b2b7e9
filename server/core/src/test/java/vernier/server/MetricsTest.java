package vernier.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import vernier.v1.AskRequest;
import vernier.v1.Assignment;
import vernier.v1.CreateStudyRequest;
import vernier.v1.Measurement;
import vernier.v1.ReportRequest;
import vernier.v1.TellRequest;

/** /metrics serves the documented series in Prometheus text format. */
final class MetricsTest {

  @Test
  void metricsEndpoint_exportsStudyRpcStorageAndJvmSeries() throws Exception {
    ServerConfig config = new ServerConfig("127.0.0.1", 0, 0, ServerConfig.MEMORY, null);
    try (TestServer t = new TestServer(config)) {
      t.studies.createStudy(
          CreateStudyRequest.newBuilder()
              .setStudyId("m")
              .setSpec(Specs.basic().setPruner(Specs.plugin("median", "n_startup_trials", 0)))
              .build());
      Assignment a =
          t.workers
              .ask(AskRequest.newBuilder().setStudy("studies/m").setWorkerId("w1").build())
              .getAssignments(0);
      t.workers.report(
          ReportRequest.newBuilder()
              .setTrial(a.getTrial().getName())
              .setLeaseId(a.getLeaseId())
              .addMeasurements(Measurement.newBuilder().setStep(0).putMetrics("loss", 0.5))
              .build());
      t.workers.ask(AskRequest.newBuilder().setStudy("studies/m").setWorkerId("w2").build());
      t.workers.tell(
          TellRequest.newBuilder()
              .setTrial(a.getTrial().getName())
              .setLeaseId(a.getLeaseId())
              .setSucceeded(TellRequest.Succeeded.newBuilder().putValues("loss", 0.25))
              .build());

      String body =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + t.server.httpPort() + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(body)
          .contains("vernier_trials{state=\"succeeded\",study=\"m\"} 1.0")
          .contains("vernier_trials{state=\"active\",study=\"m\"} 1.0")
          .contains("vernier_leases_active{study=\"m\"} 1.0")
          .contains("vernier_workers_active{study=\"m\"} 1.0")
          .contains(
              "vernier_study_best_value{direction=\"minimize\",metric=\"loss\",study=\"m\"} 0.25")
          .contains("vernier_asks_total{outcome=\"assigned\",study=\"m\"} 2.0")
          .contains("vernier_build_info{commit=\"")
          .contains("vernier_prune_decisions_total{decision=\"continue\",study=\"m\"} 1.0")
          .contains("vernier_sampler_calls_seconds_count{study=\"m\",thread=\"pool\"} 2")
          .contains("vernier_sampler_batch_size_count{study=\"m\"} 2")
          .contains("vernier_sampler_batch_size_sum{study=\"m\"} 2.0")
          .contains("vernier_rpc_seconds_count{code=\"OK\",method=\"Ask\"} 2")
          .contains("vernier_rpc_seconds_count{code=\"OK\",method=\"Tell\"} 1")
          .contains("vernier_rpc_seconds_bucket{code=\"OK\",method=\"Report\"")
          .contains("jvm_memory_used_bytes");

      // a dozen readable buckets per latency series, not Micrometer's ~70 like le="5.4611E-5"
      List<String> tellBuckets =
          body.lines()
              .filter(l -> l.startsWith("vernier_rpc_seconds_bucket{code=\"OK\",method=\"Tell\""))
              .toList();
      assertThat(tellBuckets).hasSize(13);
      assertThat(tellBuckets)
          .allSatisfy(l -> assertThat(l).containsPattern("le=\"(\\+Inf|[0-9]+\\.[0-9]+)\""))
          .anySatisfy(l -> assertThat(l).contains("le=\"0.001\""))
          .anySatisfy(l -> assertThat(l).contains("le=\"10.0\""));
    }
  }

  @Test
  void asksAreCountedByOutcome() throws Exception {
    ServerConfig config = new ServerConfig("127.0.0.1", 0, 0, ServerConfig.MEMORY, null);
    try (TestServer t = new TestServer(config)) {
      t.studies.createStudy(
          CreateStudyRequest.newBuilder()
              .setStudyId("w")
              .setSpec(
                  Specs.basic()
                      .setLimits(vernier.v1.Limits.newBuilder().setMaxTrials(2).setMaxParallel(1)))
              .build());
      AskRequest ask = AskRequest.newBuilder().setStudy("studies/w").setWorkerId("w1").build();
      Assignment first = t.workers.ask(ask).getAssignments(0);
      t.workers.ask(ask); // parallelism full: wait
      tellSucceeded(t, first);
      tellSucceeded(t, t.workers.ask(ask).getAssignments(0));
      t.workers.ask(ask); // max_trials reached: done

      assertThat(scrape(t))
          .contains("vernier_asks_total{outcome=\"assigned\",study=\"w\"} 2.0")
          .contains("vernier_asks_total{outcome=\"wait\",study=\"w\"} 1.0")
          .contains("vernier_asks_total{outcome=\"study_done\",study=\"w\"} 1.0");
    }
  }

  private static void tellSucceeded(TestServer t, Assignment a) {
    t.workers.tell(
        TellRequest.newBuilder()
            .setTrial(a.getTrial().getName())
            .setLeaseId(a.getLeaseId())
            .setSucceeded(TellRequest.Succeeded.newBuilder().putValues("loss", 1))
            .build());
  }

  private static String scrape(TestServer t) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + t.server.httpPort() + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
