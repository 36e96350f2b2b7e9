package vernier.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import vernier.v1.AskRequest;
import vernier.v1.AskResponse;
import vernier.v1.Assignment;
import vernier.v1.CreateStudyRequest;
import vernier.v1.DeleteStudyRequest;
import vernier.v1.Direction;
import vernier.v1.EnqueueTrialsRequest;
import vernier.v1.GetStudyRequest;
import vernier.v1.ImportTrialsRequest;
import vernier.v1.ImportedTrial;
import vernier.v1.ListBestTrialsRequest;
import vernier.v1.ListStudiesRequest;
import vernier.v1.ListStudiesResponse;
import vernier.v1.ListTrialsRequest;
import vernier.v1.ListTrialsResponse;
import vernier.v1.Measurement;
import vernier.v1.Objective;
import vernier.v1.Study;
import vernier.v1.StudyServiceGrpc;
import vernier.v1.StudySpec;
import vernier.v1.TellRequest;
import vernier.v1.Trial;
import vernier.v1.TrialEvent;
import vernier.v1.TrialParams;
import vernier.v1.TrialSource;
import vernier.v1.WatchStudyRequest;

final class StudyServiceTest {

  private final TestServer t = TestServer.inMemory();

  @AfterEach
  void close() throws InterruptedException {
    t.close();
  }

  private Study create(String id, StudySpec spec) {
    return t.studies.createStudy(
        CreateStudyRequest.newBuilder().setStudyId(id).setSpec(spec).build());
  }

  private Trial runTrial(String study, double loss) {
    Assignment a =
        t.workers
            .ask(AskRequest.newBuilder().setStudy("studies/" + study).build())
            .getAssignments(0);
    return t.workers
        .tell(
            TellRequest.newBuilder()
                .setTrial(a.getTrial().getName())
                .setLeaseId(a.getLeaseId())
                .setSucceeded(TellRequest.Succeeded.newBuilder().putValues("loss", loss))
                .build())
        .getTrial();
  }

  @Test
  void create_thenGet() {
    Study created = create("s1", Specs.basic().build());
    assertThat(created.getName()).isEqualTo("studies/s1");
    assertThat(created.getState()).isEqualTo(Study.State.ACTIVE);
    // stored with its defaults made explicit (auto is not installed in this module's tests)
    assertThat(
            t.studies
                .getStudy(GetStudyRequest.newBuilder().setName("studies/s1").build())
                .getSpec())
        .isEqualTo(
            Specs.basic()
                .setSampler(vernier.v1.PluginSpec.newBuilder().setName("random"))
                .setPruner(vernier.v1.PluginSpec.newBuilder().setName("none"))
                .build());
  }

  @Test
  void create_validateOnlyStoresNothing() {
    Study preview =
        t.studies.createStudy(
            CreateStudyRequest.newBuilder()
                .setStudyId("s1")
                .setSpec(Specs.basic())
                .setValidateOnly(true)
                .build());
    assertThat(preview.getName()).isEqualTo("studies/s1");
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> t.studies.getStudy(GetStudyRequest.newBuilder().setName("studies/s1").build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void create_sameIdSameSpecReturnsExisting_differentSpecIsAlreadyExists() {
    create("s1", Specs.basic().build());
    runTrial("s1", 1);
    assertThat(create("s1", Specs.basic().build()).getTrialCounts().getSucceeded()).isEqualTo(1);
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                create("s1", Specs.basic().setSeed(com.google.protobuf.Int64Value.of(2)).build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
  }

  @Test
  void list_isPaginated() {
    for (int i = 0; i < 5; i++) {
      create("s" + i, Specs.basic().build());
    }
    List<String> names = new ArrayList<>();
    String token = "";
    int pages = 0;
    do {
      ListStudiesResponse page =
          t.studies.listStudies(
              ListStudiesRequest.newBuilder().setPageSize(2).setPageToken(token).build());
      page.getStudiesList().forEach(s -> names.add(s.getName()));
      token = page.getNextPageToken();
      pages++;
    } while (!token.isEmpty());
    assertThat(names)
        .containsExactly("studies/s0", "studies/s1", "studies/s2", "studies/s3", "studies/s4");
    assertThat(pages).isEqualTo(3);
  }

  @Test
  void delete_removesStudyAndItsTrials() {
    create("s1", Specs.basic().build());
    runTrial("s1", 1);
    t.studies.deleteStudy(DeleteStudyRequest.newBuilder().setName("studies/s1").build());
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> t.workers.ask(AskRequest.newBuilder().setStudy("studies/s1").build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    create("s1", Specs.basic().build());
    assertThat(
            t.studies
                .getStudy(GetStudyRequest.newBuilder().setName("studies/s1").build())
                .getTrialCounts()
                .getSucceeded())
        .isZero();
  }

  @Test
  void enqueuedTrialsAreHandedOutFirstWithTheirParams() {
    create("s1", Specs.basic().build());
    TrialParams fixed =
        TrialParams.newBuilder()
            .putParams("lr", Specs.dbl(0.01))
            .putParams("layers", Specs.integer(2))
            .putParams("optimizer", Specs.str("sgd"))
            .putParams("momentum", Specs.integer(0))
            .build();
    List<Trial> enqueued =
        t.studies
            .enqueueTrials(
                EnqueueTrialsRequest.newBuilder().setStudy("studies/s1").addTrials(fixed).build())
            .getTrialsList();
    assertThat(enqueued.get(0).getState()).isEqualTo(Trial.State.WAITING);
    assertThat(enqueued.get(0).getParamsMap().get("momentum"))
        .isEqualTo(Specs.dbl(0)); // int widened to float
    Assignment a =
        t.workers.ask(AskRequest.newBuilder().setStudy("studies/s1").build()).getAssignments(0);
    assertThat(a.getTrial().getSource()).isEqualTo(TrialSource.ENQUEUED);
    assertThat(a.getTrial().getParamsMap().get("lr")).isEqualTo(Specs.dbl(0.01));
  }

  @Test
  void importedTrialsAreFinished_andCountTowardBest() {
    create("s1", Specs.basic().build());
    ImportedTrial imported =
        ImportedTrial.newBuilder()
            .putParams("lr", Specs.dbl(0.001))
            .putParams("layers", Specs.integer(3))
            .putParams("optimizer", Specs.str("adam"))
            .setState(Trial.State.SUCCEEDED)
            .putValues("loss", 0.01)
            .addMeasurements(Measurement.newBuilder().setStep(0).putMetrics("loss", 0.5))
            .build();
    List<Trial> out =
        t.studies
            .importTrials(
                ImportTrialsRequest.newBuilder().setStudy("studies/s1").addTrials(imported).build())
            .getTrialsList();
    assertThat(out.get(0).getSource()).isEqualTo(TrialSource.IMPORTED);
    runTrial("s1", 0.5);
    List<Trial> best =
        t.studies
            .listBestTrials(ListBestTrialsRequest.newBuilder().setStudy("studies/s1").build())
            .getTrialsList();
    assertThat(best).extracting(Trial::getNumber).containsExactly(0L);
  }

  @Test
  void listTrials_filtersByStateAndPaginates() {
    create("s1", Specs.basic().build());
    for (int i = 0; i < 5; i++) {
      runTrial("s1", i);
    }
    t.workers.ask(AskRequest.newBuilder().setStudy("studies/s1").build()); // one ACTIVE
    Set<Long> numbers = new HashSet<>();
    String token = "";
    do {
      ListTrialsResponse page =
          t.studies.listTrials(
              ListTrialsRequest.newBuilder()
                  .setStudy("studies/s1")
                  .setPageSize(2)
                  .setPageToken(token)
                  .addStates(Trial.State.SUCCEEDED)
                  .build());
      page.getTrialsList()
          .forEach(
              tr -> {
                assertThat(tr.getState()).isEqualTo(Trial.State.SUCCEEDED);
                numbers.add(tr.getNumber());
              });
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    assertThat(numbers).containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L);
  }

  @Test
  void bestTrials_multiObjectiveReturnsTheParetoFront() {
    StudySpec spec =
        Specs.basic()
            .clearObjectives()
            .addObjectives(
                Objective.newBuilder().setMetric("loss").setDirection(Direction.MINIMIZE))
            .addObjectives(
                Objective.newBuilder().setMetric("speed").setDirection(Direction.MAXIMIZE))
            .build();
    create("mo", spec);
    double[][] points = {{1, 1}, {2, 3}, {3, 2}, {0.5, 0.5}, {2, 2.5}};
    for (double[] p : points) {
      Assignment a =
          t.workers.ask(AskRequest.newBuilder().setStudy("studies/mo").build()).getAssignments(0);
      t.workers.tell(
          TellRequest.newBuilder()
              .setTrial(a.getTrial().getName())
              .setLeaseId(a.getLeaseId())
              .setSucceeded(
                  TellRequest.Succeeded.newBuilder()
                      .putValues("loss", p[0])
                      .putValues("speed", p[1]))
              .build());
    }
    List<Trial> front =
        t.studies
            .listBestTrials(ListBestTrialsRequest.newBuilder().setStudy("studies/mo").build())
            .getTrialsList();
    // (1,1) and (0.5,0.5) trade off; (2,3) beats (2,2.5) and (3,2)
    assertThat(front).extracting(Trial::getNumber).containsExactlyInAnyOrder(0L, 1L, 3L);
  }

  @Test
  void bestTrials_ignoresInfeasibleTrials() {
    StudySpec spec =
        Specs.basic()
            .addConstraints(
                vernier.v1.Constraint.newBuilder()
                    .setMetric("memory_gb")
                    .setUpperBound(com.google.protobuf.DoubleValue.of(8)))
            .build();
    create("c", spec);
    double[][] told = {{0.1, 16}, {0.2, 4}};
    for (double[] p : told) {
      Assignment a =
          t.workers.ask(AskRequest.newBuilder().setStudy("studies/c").build()).getAssignments(0);
      t.workers.tell(
          TellRequest.newBuilder()
              .setTrial(a.getTrial().getName())
              .setLeaseId(a.getLeaseId())
              .setSucceeded(
                  TellRequest.Succeeded.newBuilder()
                      .putValues("loss", p[0])
                      .putValues("memory_gb", p[1]))
              .build());
    }
    List<Trial> best =
        t.studies
            .listBestTrials(ListBestTrialsRequest.newBuilder().setStudy("studies/c").build())
            .getTrialsList();
    assertThat(best).extracting(Trial::getNumber).containsExactly(1L);
    assertThat(best.get(0).getFeasible()).isTrue();
  }

  @Test
  void watch_streamsSnapshotThenLiveEvents() throws InterruptedException {
    create("s1", Specs.basic().build());
    runTrial("s1", 1);
    List<TrialEvent> events = new CopyOnWriteArrayList<>();
    StudyServiceGrpc.newStub(t.channel)
        .watchStudy(
            WatchStudyRequest.newBuilder().setStudy("studies/s1").build(),
            new StreamObserver<>() {
              @Override
              public void onNext(TrialEvent value) {
                events.add(value);
              }

              @Override
              public void onError(Throwable error) {}

              @Override
              public void onCompleted() {}
            });
    awaitSize(events, 1);
    assertThat(events.get(0).getKind()).isEqualTo(TrialEvent.Kind.SNAPSHOT);
    runTrial("s1", 0.5);
    awaitSize(events, 4);
    assertThat(events.subList(1, 4))
        .extracting(TrialEvent::getKind)
        .containsExactly(
            TrialEvent.Kind.CREATED, TrialEvent.Kind.STARTED, TrialEvent.Kind.FINISHED);
    assertThat(events.get(3).getTrial().getState()).isEqualTo(Trial.State.SUCCEEDED);
  }

  private static void awaitSize(List<?> list, int size) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (list.size() < size && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(list).hasSizeGreaterThanOrEqualTo(size);
  }

  @Test
  void askForUnknownStudy_isNotFound() {
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> t.workers.ask(AskRequest.newBuilder().setStudy("studies/nope").build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(e.getStatus().getDescription()).contains("studies/nope");
  }

  @Test
  void gridStudy_endsWithStudyDoneAndNeverRepeatsAPoint() {
    StudySpec spec =
        StudySpec.newBuilder()
            .addParameters(Specs.intParam("a", 0, 3))
            .addParameters(Specs.categorical("b", Specs.str("x"), Specs.str("y")))
            .addObjectives(
                Objective.newBuilder().setMetric("loss").setDirection(Direction.MINIMIZE))
            .setSampler(vernier.v1.PluginSpec.newBuilder().setName("grid"))
            .build();
    create("g", spec);
    AskResponse all =
        t.workers.ask(AskRequest.newBuilder().setStudy("studies/g").setCount(100).build());
    assertThat(all.getAssignmentsList()).hasSize(8);
    Set<Object> points = new HashSet<>();
    all.getAssignmentsList().forEach(a -> points.add(a.getTrial().getParamsMap()));
    assertThat(points).hasSize(8);
    for (Assignment a : all.getAssignmentsList()) {
      t.workers.tell(
          TellRequest.newBuilder()
              .setTrial(a.getTrial().getName())
              .setLeaseId(a.getLeaseId())
              .setSucceeded(TellRequest.Succeeded.newBuilder().putValues("loss", 1))
              .build());
    }
    assertThat(t.workers.ask(AskRequest.newBuilder().setStudy("studies/g").build()).getStatus())
        .isEqualTo(AskResponse.Status.STUDY_DONE);
  }
}
