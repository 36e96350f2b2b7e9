package vernier.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vernier.server.storage.LocalPostgres;
import vernier.server.storage.PostgresStore;
import vernier.server.storage.PostgresUrl;
import vernier.server.storage.SqliteStore;
import vernier.server.storage.Store;
import vernier.server.storage.StoredTrial;
import vernier.server.storage.StudyData;
import vernier.v1.AskRequest;
import vernier.v1.AskResponse;
import vernier.v1.Assignment;
import vernier.v1.CreateStudyRequest;
import vernier.v1.EnqueueTrialsRequest;
import vernier.v1.ExportStudyRequest;
import vernier.v1.ExportedStudy;
import vernier.v1.ExportedTrial;
import vernier.v1.GetStudyRequest;
import vernier.v1.ImportTrialsRequest;
import vernier.v1.ImportedTrial;
import vernier.v1.Measurement;
import vernier.v1.PluginSpec;
import vernier.v1.ReportRequest;
import vernier.v1.SetStudyStateRequest;
import vernier.v1.Study;
import vernier.v1.StudyRecord;
import vernier.v1.StudyServiceGrpc;
import vernier.v1.TellRequest;
import vernier.v1.Trial;
import vernier.v1.TrialParams;

/** Moving a study: ExportStudy from one server, RestoreStudy into another, nothing lost. */
final class StudyTransferTest {

  @TempDir Path dir;

  @Test
  void aStudyMovedFromSqliteToPostgres_isStoredRowForRow_andItsWorkersCarryOn() throws Exception {
    Path sqlite = dir.resolve("a.db");
    Path password = Files.writeString(dir.resolve("pw"), LocalPostgres.PASSWORD + "\n");
    PostgresUrl url = LocalPostgres.shared().newDatabase();
    ServerConfig from = new ServerConfig("127.0.0.1", 0, -1, sqlite.toString(), null);
    ServerConfig to = new ServerConfig("127.0.0.1", 0, -1, url.toString(), null, password);

    List<StudyRecord> exported;
    Assignment running;
    Study before;
    try (TestServer a = new TestServer(from)) {
      running = runAStudyThroughEveryKindOfTrial(a);
      before = a.studies.getStudy(GetStudyRequest.newBuilder().setName("studies/p").build());
      exported = export(a, "studies/p");
    }
    assertThat(exported.get(0).getStudy().getTrialCount()).isEqualTo(exported.size() - 1);

    try (TestServer b = new TestServer(to)) {
      Study restored = restore(b, exported);
      assertThat(restored.toBuilder().clearSamplerDescription().build())
          .isEqualTo(before.toBuilder().clearSamplerDescription().build());

      // the running trial's worker carries on against the new server: its lease, its ask replay
      b.workers.report(
          ReportRequest.newBuilder()
              .setTrial(running.getTrial().getName())
              .setLeaseId(running.getLeaseId())
              .addMeasurements(Measurement.newBuilder().setStep(8).putMetrics("loss", 0.3))
              .build());
      AskResponse replay =
          b.workers.ask(
              AskRequest.newBuilder()
                  .setStudy("studies/p")
                  .setWorkerId("w")
                  .setRequestId("ask-exploit")
                  .build());
      assertThat(replay.getAssignments(0).getLeaseId()).isEqualTo(running.getLeaseId());
    }

    StudyData original;
    try (Store s = new SqliteStore(sqlite, Store.CommitListener.NONE)) {
      original = s.loadStudy("p").orElseThrow();
    }
    StudyData copy;
    try (Store s = new PostgresStore(url, LocalPostgres.PASSWORD, Store.CommitListener.NONE)) {
      copy = s.loadStudy("p").orElseThrow();
    }
    assertThat(copy.study()).isEqualTo(original.study());
    assertThat(copy.measurements())
        .as("the copy has the step reported after the move, and every row from before")
        .containsAll(original.measurements())
        .hasSize(original.measurements().size() + 1);
    assertThat(copy.trials()).hasSameSizeAs(original.trials());
    for (int i = 0; i < original.trials().size(); i++) {
      StoredTrial o = original.trials().get(i);
      StoredTrial c = copy.trials().get(i);
      if (o.trial().getNumber() == running.getTrial().getNumber()) {
        assertThat(c.trial().toBuilder().clearLastStep().build())
            .isEqualTo(o.trial().toBuilder().clearLastStep().build());
      } else {
        assertThat(c.trial()).isEqualTo(o.trial());
      }
      assertThat(c.leaseId()).isEqualTo(o.leaseId());
      assertThat(c.requestId()).isEqualTo(o.requestId());
      assertThat(c.leaseLeft() == null).isEqualTo(o.leaseLeft() == null);
    }
  }

  /** A small exported study: two finished trials and a running one. */
  private static List<StudyRecord> smallExport(TestServer t) {
    t.studies.createStudy(
        CreateStudyRequest.newBuilder().setStudyId("s").setSpec(Specs.basic()).build());
    for (int i = 0; i < 3; i++) {
      Assignment a =
          t.workers.ask(AskRequest.newBuilder().setStudy("studies/s").build()).getAssignments(0);
      if (i < 2) {
        tell(t, a, TellRequest.newBuilder().setSucceeded(succeeded(i)));
      }
    }
    return export(t, "studies/s");
  }

  private static StatusRuntimeException refused(TestServer t, List<StudyRecord> records) {
    StatusRuntimeException e =
        catchThrowableOfType(() -> restore(t, records), StatusRuntimeException.class);
    assertThat(e).as("refused").isNotNull();
    return e;
  }

  private static List<StudyRecord> renamed(List<StudyRecord> records, String id) {
    List<StudyRecord> out = new ArrayList<>(records);
    ExportedStudy head = records.get(0).getStudy().toBuilder().setStudyId(id).build();
    out.set(0, StudyRecord.newBuilder().setStudy(head).build());
    return out;
  }

  private static StudyRecord trialRecord(List<StudyRecord> records, int i, Trial.Builder trial) {
    ExportedTrial.Builder e = records.get(i).getTrial().toBuilder().setTrial(trial);
    return StudyRecord.newBuilder().setTrial(e).build();
  }

  @Test
  void aStudyRestoredUnderANewId_isServedThere_withItsTrialsRenamed() throws Exception {
    try (TestServer t = TestServer.inMemory()) {
      List<StudyRecord> records = smallExport(t);

      Study copy = restore(t, renamed(records, "s-copy"));

      assertThat(copy.getName()).isEqualTo("studies/s-copy");
      assertThat(copy.getTrialCounts().getSucceeded()).isEqualTo(2);
      assertThat(copy.getTrialCounts().getActive()).isEqualTo(1);
      List<StudyRecord> again = export(t, "studies/s-copy");
      assertThat(again.get(3).getTrial().getTrial().getName()).isEqualTo("studies/s-copy/trials/2");
      assertThat(
              t.workers
                  .ask(AskRequest.newBuilder().setStudy("studies/s-copy").build())
                  .getAssignments(0)
                  .getTrial()
                  .getNumber())
          .as("numbering goes on from the exported counter")
          .isEqualTo(3);
    }
  }

  @Test
  void restoringOverAnExistingStudy_isAlreadyExists_andChangesNothing() throws Exception {
    try (TestServer t = TestServer.inMemory()) {
      List<StudyRecord> records = smallExport(t);
      t.studies.setStudyState(
          SetStudyStateRequest.newBuilder()
              .setName("studies/s")
              .setState(Study.State.PAUSED)
              .build());

      StatusRuntimeException e = refused(t, records);

      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
      assertThat(e.getStatus().getDescription()).contains("--study-id");
      assertThat(
              t.studies
                  .getStudy(GetStudyRequest.newBuilder().setName("studies/s").build())
                  .getState())
          .isEqualTo(Study.State.PAUSED);
    }
  }

  @Test
  void badExports_areRefusedNamingTheField_andStoreNothing() throws Exception {
    try (TestServer t = TestServer.inMemory()) {
      List<StudyRecord> good = renamed(smallExport(t), "copy");

      assertThat(TestServer.fields(refused(t, List.of()))).containsExactly("records[0]");
      assertThat(TestServer.fields(refused(t, good.subList(1, good.size()))))
          .containsExactly("records[0]");
      assertThat(TestServer.fields(refused(t, good.subList(0, 3))))
          .as("truncated")
          .containsExactly("records[0].study.trial_count");

      List<StudyRecord> newer = new ArrayList<>(good);
      newer.set(
          0,
          StudyRecord.newBuilder()
              .setStudy(good.get(0).getStudy().toBuilder().setFormatVersion(2))
              .build());
      StatusRuntimeException e = refused(t, newer);
      assertThat(TestServer.fields(e)).containsExactly("records[0].study.format_version");
      assertThat(e.getStatus().getDescription()).contains("newer Vernier");

      List<StudyRecord> unknownPlugin = new ArrayList<>(good);
      unknownPlugin.set(
          0,
          StudyRecord.newBuilder()
              .setStudy(
                  good.get(0).getStudy().toBuilder()
                      .setSpec(
                          good.get(0).getStudy().getSpec().toBuilder()
                              .setSampler(PluginSpec.newBuilder().setName("no-such-sampler"))))
              .build());
      assertThat(refused(t, unknownPlugin).getStatus().getCode())
          .isEqualTo(Status.Code.INVALID_ARGUMENT);

      List<StudyRecord> bad = new ArrayList<>(good);
      Trial first = good.get(1).getTrial().getTrial();
      bad.set(2, trialRecord(good, 2, first.toBuilder().putParams("lr", Specs.dbl(5))));
      Trial running = good.get(3).getTrial().getTrial();
      bad.set(
          3,
          StudyRecord.newBuilder()
              .setTrial(ExportedTrial.newBuilder().setTrial(running.toBuilder().setNumber(7)))
              .build());
      assertThat(TestServer.fields(refused(t, bad)))
          .containsExactlyInAnyOrder(
              "records[2].trial.trial.number",
              "records[2].trial.trial.params[lr]",
              "records[3].trial.trial.number",
              "records[3].trial.lease_id");

      assertThat(
              t.studies
                  .listStudies(vernier.v1.ListStudiesRequest.getDefaultInstance())
                  .getStudiesList())
          .extracting(Study::getName)
          .containsExactly("studies/s");
    }
  }

  @Test
  void exportingAStudyThatIsNotThere_isNotFound_andABadName_isInvalid() {
    try (TestServer t = TestServer.inMemory()) {
      StatusRuntimeException missing =
          catchThrowableOfType(() -> export(t, "studies/nope"), StatusRuntimeException.class);
      assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
      StatusRuntimeException bad =
          catchThrowableOfType(() -> export(t, "nope"), StatusRuntimeException.class);
      assertThat(TestServer.fields(bad)).containsExactly("name");
    }
  }

  /**
   * Sampled PBT trials with lineage, labels and measurements (NaN too), a running one holding its
   * lease, a retryable failure and its WAITING retry, an imported and an enqueued trial; then the
   * study is paused. Returns the running trial's assignment.
   */
  private static Assignment runAStudyThroughEveryKindOfTrial(TestServer t) {
    PluginSpec pbt =
        PluginSpec.newBuilder()
            .setName("pbt")
            .setSettings(
                Struct.newBuilder()
                    .putFields("population_size", Value.newBuilder().setNumberValue(2).build())
                    .putFields("interval", Value.newBuilder().setNumberValue(5).build())
                    .putFields("max_step", Value.newBuilder().setNumberValue(10).build()))
            .build();
    t.studies.createStudy(
        CreateStudyRequest.newBuilder()
            .setStudyId("p")
            .setSpec(
                Specs.basic()
                    .setSampler(pbt)
                    .setLimits(Specs.limits().setMaxAttempts(2))
                    .putLabels("team", "nlp"))
            .build());
    Assignment a = ask(t, "a");
    Assignment b = ask(t, "b");
    report(t, a, Measurement.newBuilder().setStep(1).putMetrics("loss", Double.NaN));
    t.workers.report(
        ReportRequest.newBuilder()
            .setTrial(a.getTrial().getName())
            .setLeaseId(a.getLeaseId())
            .addMeasurements(
                Measurement.newBuilder().setStep(5).putMetrics("loss", 2.0).putMetrics("acc", 0.4))
            .putLabels("device", "gpu(0)")
            .build());
    report(t, b, Measurement.newBuilder().setStep(5).putMetrics("loss", 1.0));
    tell(t, a, TellRequest.newBuilder().setSucceeded(succeeded(2.0)));
    tell(t, b, TellRequest.newBuilder().setSucceeded(succeeded(1.0)));
    Assignment exploit = ask(t, "exploit"); // starts from b's checkpoint
    assertThat(exploit.getTrial().hasStartFrom()).isTrue();
    Assignment cont = ask(t, "cont");
    report(t, exploit, Measurement.newBuilder().setStep(6).putMetrics("loss", 0.8));
    tell(
        t,
        cont,
        TellRequest.newBuilder()
            .setFailed(
                TellRequest.Failed.newBuilder()
                    .setReason("CUDA out of memory")
                    .setRetryable(true)));
    t.studies.importTrials(
        ImportTrialsRequest.newBuilder()
            .setStudy("studies/p")
            .addTrials(
                ImportedTrial.newBuilder()
                    .putParams("lr", Specs.dbl(0.001))
                    .putParams("layers", Specs.integer(3))
                    .putParams("optimizer", Specs.str("adam"))
                    .setState(Trial.State.SUCCEEDED)
                    .putValues("loss", 0.01)
                    .addMeasurements(Measurement.newBuilder().setStep(0).putMetrics("loss", 0.5)))
            .build());
    t.studies.enqueueTrials(
        EnqueueTrialsRequest.newBuilder()
            .setStudy("studies/p")
            .addTrials(
                TrialParams.newBuilder()
                    .putParams("lr", Specs.dbl(0.01))
                    .putParams("layers", Specs.integer(2))
                    .putParams("optimizer", Specs.str("adam")))
            .build());
    t.studies.setStudyState(
        SetStudyStateRequest.newBuilder()
            .setName("studies/p")
            .setState(Study.State.PAUSED)
            .build());
    return exploit;
  }

  /** An ask with request id {@code "ask-" + id}, so a later replay can name it. */
  private static Assignment ask(TestServer t, String id) {
    AskResponse r =
        t.workers.ask(
            AskRequest.newBuilder()
                .setStudy("studies/p")
                .setWorkerId("w")
                .setRequestId("ask-" + id)
                .build());
    assertThat(r.getStatus()).isEqualTo(AskResponse.Status.ASSIGNED);
    return r.getAssignments(0);
  }

  private static void report(TestServer t, Assignment a, Measurement.Builder m) {
    t.workers.report(
        ReportRequest.newBuilder()
            .setTrial(a.getTrial().getName())
            .setLeaseId(a.getLeaseId())
            .addMeasurements(m)
            .build());
  }

  private static TellRequest.Succeeded succeeded(double loss) {
    return TellRequest.Succeeded.newBuilder().putValues("loss", loss).build();
  }

  private static void tell(TestServer t, Assignment a, TellRequest.Builder outcome) {
    t.workers.tell(outcome.setTrial(a.getTrial().getName()).setLeaseId(a.getLeaseId()).build());
  }

  static List<StudyRecord> export(TestServer t, String name) {
    List<StudyRecord> out = new ArrayList<>();
    t.studies
        .exportStudy(ExportStudyRequest.newBuilder().setName(name).build())
        .forEachRemaining(out::add);
    return out;
  }

  static Study restore(TestServer t, List<StudyRecord> records) throws InterruptedException {
    CompletableFuture<Study> result = new CompletableFuture<>();
    StreamObserver<StudyRecord> upload =
        StudyServiceGrpc.newStub(t.channel)
            .restoreStudy(
                new StreamObserver<>() {
                  @Override
                  public void onNext(Study study) {
                    result.complete(study);
                  }

                  @Override
                  public void onError(Throwable error) {
                    result.completeExceptionally(error);
                  }

                  @Override
                  public void onCompleted() {}
                });
    records.forEach(upload::onNext);
    upload.onCompleted();
    try {
      return result.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (StatusRuntimeException) e.getCause();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer to RestoreStudy", e);
    }
  }
}
