package vernier.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vernier.server.storage.LocalPostgres;
import vernier.v1.AskRequest;
import vernier.v1.Assignment;
import vernier.v1.CreateStudyRequest;
import vernier.v1.ListTrialsRequest;
import vernier.v1.ListTrialsResponse;
import vernier.v1.Measurement;
import vernier.v1.ReportRequest;
import vernier.v1.TellRequest;
import vernier.v1.Trial;

/**
 * PostgreSQL restarted ({@code pg_ctl stop}, then start) while workers ask, report and tell: while
 * it is down requests fail with UNAVAILABLE only, nothing acknowledged is lost, and the server
 * recovers without a restart of its own.
 */
final class PostgresRestartUnderLoadTest {

  @TempDir Path dir;

  @Test
  void requestsFailUnavailableWhileDown_andNothingAcknowledgedIsLost() throws Exception {
    try (LocalPostgres postgres = LocalPostgres.startNew()) {
      Path password = Files.writeString(dir.resolve("pw"), LocalPostgres.PASSWORD);
      ServerConfig config =
          new ServerConfig("127.0.0.1", 0, -1, postgres.newDatabase().toString(), null, password);
      Map<String, Double> acknowledged = new ConcurrentHashMap<>();
      Set<Status.Code> errors = ConcurrentHashMap.newKeySet();
      AtomicInteger failures = new AtomicInteger();
      AtomicInteger toldAfterRestart = new AtomicInteger();
      AtomicBoolean restarted = new AtomicBoolean();
      AtomicBoolean stop = new AtomicBoolean();
      try (TestServer t = new TestServer(config)) {
        t.studies.createStudy(
            CreateStudyRequest.newBuilder()
                .setStudyId("s")
                .setSpec(
                    Specs.basic().setSampler(vernier.v1.PluginSpec.newBuilder().setName("random")))
                .build());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
          int worker = w;
          workers.add(
              pool.submit(
                  () -> {
                    int i = 0;
                    while (!stop.get()) {
                      i++;
                      double value = worker * 1_000_000 + i;
                      Assignment a =
                          retry(
                              () -> t.workers.ask(ask(worker)).getAssignments(0),
                              errors,
                              failures,
                              stop);
                      if (a == null) {
                        return;
                      }
                      retry(() -> t.workers.report(report(a)), errors, failures, stop);
                      Trial told =
                          retry(
                              () -> t.workers.tell(tell(a, value)).getTrial(),
                              errors,
                              failures,
                              stop);
                      if (told != null) {
                        acknowledged.put(told.getName(), value);
                        if (restarted.get()) {
                          toldAfterRestart.incrementAndGet();
                        }
                      }
                    }
                  }));
        }
        Thread.sleep(1_500);
        postgres.stop();
        Thread.sleep(7_000); // longer than the store's wait for a connection
        postgres.start();
        restarted.set(true);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (toldAfterRestart.get() < 20 && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
        stop.set(true);
        for (Future<?> f : workers) {
          f.get();
        }
        pool.shutdown();
        assertThat(failures.get()).as("requests refused while PostgreSQL was down").isPositive();
        assertThat(errors).containsOnly(Status.Code.UNAVAILABLE);
        assertThat(toldAfterRestart.get()).as("tells after the restart").isGreaterThanOrEqualTo(20);
      }
      try (TestServer again = new TestServer(config)) { // what was stored, read afresh
        List<Trial> all = new ArrayList<>();
        String token = "";
        do {
          ListTrialsResponse page =
              again.studies.listTrials(
                  ListTrialsRequest.newBuilder()
                      .setStudy("studies/s")
                      .setPageSize(1000)
                      .setPageToken(token)
                      .build());
          all.addAll(page.getTrialsList());
          token = page.getNextPageToken();
        } while (!token.isEmpty());
        Map<String, Double> stored = new java.util.HashMap<>();
        for (Trial trial : all) {
          if (trial.getState() == Trial.State.SUCCEEDED) {
            stored.put(trial.getName(), trial.getValuesMap().get("loss"));
          }
        }
        assertThat(stored).containsAllEntriesOf(acknowledged);
        assertThat(all).extracting(Trial::getNumber).doesNotHaveDuplicates();
      }
    }
  }

  private static AskRequest ask(int worker) {
    return AskRequest.newBuilder()
        .setStudy("studies/s")
        .setWorkerId("w" + worker)
        .setRequestId(java.util.UUID.randomUUID().toString())
        .build();
  }

  private static ReportRequest report(Assignment a) {
    return ReportRequest.newBuilder()
        .setTrial(a.getTrial().getName())
        .setLeaseId(a.getLeaseId())
        .addMeasurements(Measurement.newBuilder().setStep(1).putMetrics("loss", 1.0))
        .build();
  }

  private static TellRequest tell(Assignment a, double value) {
    return TellRequest.newBuilder()
        .setTrial(a.getTrial().getName())
        .setLeaseId(a.getLeaseId())
        .setSucceeded(TellRequest.Succeeded.newBuilder().putValues("loss", value))
        .build();
  }

  /** Calls until it succeeds (as a client retries UNAVAILABLE); null once the test stops. */
  private static <T> T retry(
      java.util.function.Supplier<T> call,
      Set<Status.Code> errors,
      AtomicInteger failures,
      AtomicBoolean stop) {
    while (true) {
      try {
        return call.get();
      } catch (StatusRuntimeException e) {
        errors.add(e.getStatus().getCode());
        failures.incrementAndGet();
        if (stop.get()) {
          return null;
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return null;
        }
      }
    }
  }
}
