package vernier.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vernier.server.storage.MeasurementRow;
import vernier.server.storage.SqliteStore;
import vernier.server.storage.Store;
import vernier.server.storage.StoreException;
import vernier.server.storage.StoredStudy;
import vernier.server.storage.StudyData;
import vernier.server.storage.Write;
import vernier.v1.AskRequest;
import vernier.v1.Assignment;
import vernier.v1.CreateStudyRequest;
import vernier.v1.GetStudyRequest;
import vernier.v1.GetTrialRequest;
import vernier.v1.Measurement;
import vernier.v1.ReportRequest;
import vernier.v1.Study;
import vernier.v1.TellRequest;
import vernier.v1.Trial;

final class SqliteStoreTest {

  @TempDir Path dir;

  private static StoredStudy study(String id) {
    return new StoredStudy(
        id, Specs.basic().build(), Study.State.ACTIVE, 7, Instant.parse("2026-01-01T00:00:00Z"), 0);
  }

  private static Trial trial(long number) {
    return Trial.newBuilder()
        .setNumber(number)
        .setName("studies/s/trials/" + number)
        .setState(Trial.State.ACTIVE)
        .putParams("lr", Specs.dbl(0.01))
        .build();
  }

  @Test
  void writesSurviveReopen_includingNaNMeasurements() {
    try (Store store = new SqliteStore(dir.resolve("v.db"), Store.CommitListener.NONE)) {
      assertThat(store.createStudy(study("s"))).isTrue();
      assertThat(store.createStudy(study("s"))).isFalse();
      store.write(
          List.of(
              new Write.InsertTrial("s", trial(0), "lease", "req"),
              new Write.AddMeasurements(
                  "s",
                  List.of(
                      new MeasurementRow(0, 1, "loss", 0.5),
                      new MeasurementRow(0, 2, "loss", Double.NaN)))));
    }
    try (Store store = new SqliteStore(dir.resolve("v.db"), Store.CommitListener.NONE)) {
      StudyData data = store.loadStudy("s").orElseThrow();
      assertThat(data.study().nextTrialNumber()).isEqualTo(1);
      assertThat(data.study().seed()).isEqualTo(7);
      assertThat(data.trials()).hasSize(1);
      assertThat(data.trials().get(0).leaseId()).isEqualTo("lease");
      assertThat(data.trials().get(0).requestId()).isEqualTo("req");
      assertThat(data.measurements())
          .extracting(MeasurementRow::value)
          .containsExactly(0.5, Double.NaN);
    }
  }

  @Test
  void trialNumberTakenTwice_isAConflict_andTheTransactionLeavesNothing() {
    try (Store store = new SqliteStore(dir.resolve("v.db"), Store.CommitListener.NONE)) {
      store.createStudy(study("s"));
      store.write(List.of(new Write.InsertTrial("s", trial(0), null, null)));
      assertThatThrownBy(
              () ->
                  store.write(
                      List.of(
                          new Write.AddMeasurements(
                              "s", List.of(new MeasurementRow(0, 1, "loss", 0.5))),
                          new Write.InsertTrial("s", trial(0), null, null))))
          .isInstanceOf(StoreException.Conflict.class);
      assertThat(store.loadStudy("s").orElseThrow().measurements()).isEmpty();
    }
  }

  @Test
  void concurrentWriters_areGroupCommitted_andAllDurable() throws Exception {
    AtomicInteger commits = new AtomicInteger();
    int studies = 8;
    int perStudy = 50;
    try (Store store =
        new SqliteStore(dir.resolve("v.db"), (nanos, writes) -> commits.incrementAndGet())) {
      for (int s = 0; s < studies; s++) {
        store.createStudy(study("s" + s));
      }
      commits.set(0);
      ExecutorService pool = Executors.newFixedThreadPool(studies);
      List<Future<?>> futures = new ArrayList<>();
      for (int s = 0; s < studies; s++) {
        String id = "s" + s;
        futures.add(
            pool.submit(
                () -> {
                  for (int n = 0; n < perStudy; n++) {
                    store.write(List.of(new Write.InsertTrial(id, trial(n), null, null)));
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
      pool.shutdown();
      assertThat(commits.get())
          .as("transactions for %d writes", studies * perStudy)
          .isLessThan(studies * perStudy);
    }
    try (Store store = new SqliteStore(dir.resolve("v.db"), Store.CommitListener.NONE)) {
      for (int s = 0; s < studies; s++) {
        assertThat(store.loadStudy("s" + s).orElseThrow().trials()).hasSize(perStudy);
      }
    }
  }

  @Test
  void serverRestart_keepsStudiesTrialsAndMeasurements_andReplaysAsks() throws Exception {
    ServerConfig config =
        new ServerConfig("127.0.0.1", 0, -1, dir.resolve("v.db").toString(), null);
    Assignment a;
    Trial told;
    AskRequest ask = AskRequest.newBuilder().setStudy("studies/s").setRequestId("once").build();
    try (TestServer t = new TestServer(config)) {
      t.studies.createStudy(
          CreateStudyRequest.newBuilder().setStudyId("s").setSpec(Specs.basic()).build());
      Assignment first =
          t.workers.ask(AskRequest.newBuilder().setStudy("studies/s").build()).getAssignments(0);
      t.workers.report(
          ReportRequest.newBuilder()
              .setTrial(first.getTrial().getName())
              .setLeaseId(first.getLeaseId())
              .addMeasurements(Measurement.newBuilder().setStep(3).putMetrics("loss", 0.4))
              .build());
      told =
          t.workers
              .tell(
                  TellRequest.newBuilder()
                      .setTrial(first.getTrial().getName())
                      .setLeaseId(first.getLeaseId())
                      .setSucceeded(TellRequest.Succeeded.newBuilder().putValues("loss", 0.3))
                      .build())
              .getTrial();
      a = t.workers.ask(ask).getAssignments(0);
    }
    try (TestServer t = new TestServer(config)) {
      Trial reloaded =
          t.studies.getTrial(GetTrialRequest.newBuilder().setName(told.getName()).build());
      assertThat(reloaded.toBuilder().clearMeasurements().build()).isEqualTo(told);
      assertThat(reloaded.getMeasurements(0).getMetricsMap()).containsEntry("loss", 0.4);
      assertThat(t.workers.ask(ask).getAssignments(0).getLeaseId()).isEqualTo(a.getLeaseId());
      // the running trial keeps its lease across the restart
      Trial done =
          t.workers
              .tell(
                  TellRequest.newBuilder()
                      .setTrial(a.getTrial().getName())
                      .setLeaseId(a.getLeaseId())
                      .setSucceeded(TellRequest.Succeeded.newBuilder().putValues("loss", 0.2))
                      .build())
              .getTrial();
      assertThat(done.getState()).isEqualTo(Trial.State.SUCCEEDED);
      assertThat(
              t.workers
                  .ask(AskRequest.newBuilder().setStudy("studies/s").build())
                  .getAssignments(0)
                  .getTrial()
                  .getNumber())
          .isEqualTo(2);
      assertThat(
              t.studies
                  .getStudy(GetStudyRequest.newBuilder().setName("studies/s").build())
                  .getTrialCounts()
                  .getSucceeded())
          .isEqualTo(2);
    }
  }
}
