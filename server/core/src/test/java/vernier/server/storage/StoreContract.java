package vernier.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import vernier.server.cluster.StudyOwnership;
import vernier.v1.FloatDomain;
import vernier.v1.Objective;
import vernier.v1.ParamValue;
import vernier.v1.ParameterSpec;
import vernier.v1.Study;
import vernier.v1.StudySpec;
import vernier.v1.Trial;

/**
 * The rules every {@link Store} keeps, one suite for all of them (as the SPI's contract tests are
 * for samplers): each implementation's test extends this class and says how to open it. A store
 * that keeps nothing across a close ({@link MemoryStore}) skips the durability tests.
 */
public abstract class StoreContract {

  private final List<Store> opened = new ArrayList<>();

  /** Opens the store under test, at the same place every time within one test. */
  protected abstract Store openStore(Store.CommitListener listener);

  /** Whether what was written survives {@link Store#close} and a new {@link #openStore}. */
  protected abstract boolean durable();

  /** Whether concurrent writes share transactions (and the listener sees each commit). */
  protected boolean groupCommits() {
    return durable();
  }

  private Store open() {
    return open(Store.CommitListener.NONE);
  }

  private Store open(Store.CommitListener listener) {
    Store store = openStore(listener);
    store.ownership().advertise("127.0.0.1:7070"); // as a server does once it listens
    opened.add(store);
    return store;
  }

  @AfterEach
  void closeStores() {
    opened.forEach(Store::close);
  }

  static StudySpec spec(String displayName) {
    return StudySpec.newBuilder()
        .setDisplayName(displayName)
        .addParameters(
            ParameterSpec.newBuilder()
                .setName("lr")
                .setFloatDomain(FloatDomain.newBuilder().setMin(1e-5).setMax(1).setLogScale(true)))
        .addObjectives(Objective.newBuilder().setMetric("loss"))
        .build();
  }

  static StoredStudy study(String id) {
    return new StoredStudy(
        id,
        spec("study " + id),
        Study.State.ACTIVE,
        42,
        Instant.ofEpochMilli(1_767_225_600_123L),
        0);
  }

  static Trial trial(String study, long number, Trial.State state) {
    return Trial.newBuilder()
        .setName("studies/" + study + "/trials/" + number)
        .setNumber(number)
        .setState(state)
        .putParams("lr", ParamValue.newBuilder().setDoubleValue(0.001 * (number + 1)).build())
        .putLabels("worker", "w-" + number)
        .build();
  }

  private static Write insert(String study, long number) {
    return new Write.InsertTrial(
        study, trial(study, number, Trial.State.ACTIVE), "lease-" + number, "ask-" + number);
  }

  private static Write.AddMeasurements measure(String study, MeasurementRow... rows) {
    return new Write.AddMeasurements(study, List.of(rows));
  }

  @Test
  void creatingAStudyTwice_keepsTheFirst() {
    Store store = open();
    assertThat(store.createStudy(study("s"))).isTrue();
    StoredStudy other =
        new StoredStudy("s", spec("other"), Study.State.PAUSED, 1, Instant.EPOCH, 5);
    assertThat(store.createStudy(other)).isFalse();
    assertThat(store.loadStudy("s").orElseThrow().study()).isEqualTo(study("s"));
  }

  @Test
  void loading_returnsExactlyWhatWasCommitted() {
    Store store = open();
    store.createStudy(study("s"));
    Trial done =
        trial("s", 1, Trial.State.SUCCEEDED).toBuilder().putLabels("note", "ünïcödé ✓").build();
    store.write(
        List.of(
            insert("s", 0),
            new Write.InsertTrial("s", done, null, null),
            measure(
                "s",
                new MeasurementRow(0, 2, "loss", 0.25),
                new MeasurementRow(0, 1, "loss", Double.NaN),
                new MeasurementRow(0, 1, "acc", Double.POSITIVE_INFINITY),
                new MeasurementRow(1, 0, "loss", -1e300)),
            new Write.SetStudyState("s", Study.State.PAUSED)));
    StudyData data = store.loadStudy("s").orElseThrow();
    assertThat(data.study())
        .isEqualTo(
            new StoredStudy(
                "s", spec("study s"), Study.State.PAUSED, 42, study("s").createTime(), 2));
    assertThat(data.trials())
        .containsExactly(
            new StoredTrial(trial("s", 0, Trial.State.ACTIVE), "lease-0", "ask-0"),
            new StoredTrial(done, null, null));
    assertThat(data.measurements())
        .containsExactly(
            new MeasurementRow(0, 1, "acc", Double.POSITIVE_INFINITY),
            new MeasurementRow(0, 1, "loss", Double.NaN),
            new MeasurementRow(0, 2, "loss", 0.25),
            new MeasurementRow(1, 0, "loss", -1e300));
    assertThat(store.loadStudy("unknown")).isEmpty();
  }

  @Test
  void updatingATrial_replacesItsStateDataLeaseAndRequest() {
    Store store = open();
    store.createStudy(study("s"));
    store.write(List.of(insert("s", 0)));
    Trial failed = trial("s", 0, Trial.State.FAILED).toBuilder().putLabels("reason", "oom").build();
    store.write(List.of(new Write.UpdateTrial("s", failed, null, null)));
    assertThat(store.loadStudy("s").orElseThrow().trials())
        .containsExactly(new StoredTrial(failed, null, null));
  }

  @Test
  void aTrialNumberTakenTwice_isAConflict_andItsBatchLeavesNothing() {
    Store store = open();
    store.createStudy(study("s"));
    store.write(List.of(insert("s", 0)));
    assertThatThrownBy(
            () ->
                store.write(
                    List.of(
                        measure("s", new MeasurementRow(0, 1, "loss", 0.5)),
                        new Write.SetStudyState("s", Study.State.STOPPED),
                        insert("s", 0))))
        .isInstanceOf(StoreException.Conflict.class);
    StudyData data = store.loadStudy("s").orElseThrow();
    assertThat(data.measurements()).isEmpty();
    assertThat(data.study().state()).isEqualTo(Study.State.ACTIVE);
    assertThat(data.study().nextTrialNumber()).isEqualTo(1);
  }

  @Test
  void aNumberAheadOfTheCounter_isAConflict() {
    Store store = open();
    store.createStudy(study("s"));
    assertThatThrownBy(() -> store.write(List.of(insert("s", 3))))
        .isInstanceOf(StoreException.Conflict.class);
    store.write(List.of(insert("s", 0), insert("s", 1)));
    assertThat(store.loadStudy("s").orElseThrow().trials()).hasSize(2);
  }

  @Test
  void aRepeatedMeasurement_failsItsBatch_andTheBatchLeavesNothing() {
    Store store = open();
    store.createStudy(study("s"));
    store.write(List.of(insert("s", 0), measure("s", new MeasurementRow(0, 1, "loss", 0.5))));
    assertThatThrownBy(
            () ->
                store.write(
                    List.of(
                        insert("s", 1),
                        measure(
                            "s",
                            new MeasurementRow(0, 2, "loss", 0.4),
                            new MeasurementRow(0, 1, "loss", 0.3)))))
        .isInstanceOf(StoreException.Conflict.class);
    StudyData data = store.loadStudy("s").orElseThrow();
    assertThat(data.trials()).hasSize(1);
    assertThat(data.measurements()).containsExactly(new MeasurementRow(0, 1, "loss", 0.5));
    // another metric at the same step is not a repeat
    store.write(List.of(measure("s", new MeasurementRow(0, 1, "acc", 0.9))));
    assertThat(store.loadStudy("s").orElseThrow().measurements()).hasSize(2);
  }

  @Test
  void writingToAStudyThatDoesNotExist_fails_andChangesNothing() {
    Store store = open();
    store.createStudy(study("s"));
    assertThatThrownBy(
            () ->
                store.write(
                    List.of(insert("s", 0), new Write.SetStudyState("gone", Study.State.STOPPED))))
        .isInstanceOf(StoreException.class);
    assertThatThrownBy(
            () ->
                store.write(
                    List.of(
                        new Write.UpdateTrial("s", trial("s", 7, Trial.State.FAILED), null, null))))
        .isInstanceOf(StoreException.class);
    assertThat(store.loadStudy("s").orElseThrow().trials()).isEmpty();
    assertThat(store.loadStudy("gone")).isEmpty();
  }

  @Test
  void deletingAStudy_removesItsTrialsAndMeasurements_andFreesTheId() {
    Store store = open();
    store.createStudy(study("s"));
    store.createStudy(study("t"));
    store.write(
        List.of(
            insert("s", 0), measure("s", new MeasurementRow(0, 1, "loss", 0.5)), insert("t", 0)));
    store.write(List.of(insert("s", 1), new Write.DeleteStudy("s")));
    assertThat(store.loadStudy("s")).isEmpty();
    assertThat(store.listStudies()).extracting(StoredStudy::id).containsExactly("t");
    assertThat(store.loadStudy("t").orElseThrow().trials()).hasSize(1);
    assertThat(store.createStudy(study("s"))).isTrue();
    StudyData again = store.loadStudy("s").orElseThrow();
    assertThat(again.trials()).isEmpty();
    assertThat(again.measurements()).isEmpty();
    assertThatThrownBy(() -> store.write(List.of(new Write.DeleteStudy("never"))))
        .isInstanceOf(StoreException.class);
  }

  @Test
  void listing_givesEveryStudyInIdOrder() {
    Store store = open();
    for (String id : List.of("b", "a", "c")) {
      store.createStudy(study(id));
    }
    store.write(List.of(new Write.SetStudyState("c", Study.State.STOPPED)));
    assertThat(store.listStudies()).extracting(StoredStudy::id).containsExactly("a", "b", "c");
    assertThat(store.listStudies().get(2).state()).isEqualTo(Study.State.STOPPED);
  }

  @Test
  void restoringAStudy_storesAllOfIt_withItsCounter() {
    Store store = open();
    Trial done = trial("s", 0, Trial.State.SUCCEEDED);
    Trial running = trial("s", 2, Trial.State.ACTIVE);
    StudyData data =
        new StudyData(
            new StoredStudy("s", spec("restored"), Study.State.PAUSED, 7, Instant.EPOCH, 4),
            List.of(
                new StoredTrial(done, null, "ask-0"),
                new StoredTrial(running, "lease-2", "ask-2", Duration.ofSeconds(30))),
            List.of(
                new MeasurementRow(0, 1, "loss", Double.NaN),
                new MeasurementRow(2, 1, "loss", 0.5)));

    assertThat(store.restoreStudy(data)).isTrue();

    StudyData loaded = store.loadStudy("s").orElseThrow();
    assertThat(loaded.study()).isEqualTo(data.study());
    assertThat(loaded.measurements()).isEqualTo(data.measurements());
    assertThat(loaded.trials().get(0)).isEqualTo(data.trials().get(0));
    StoredTrial restored = loaded.trials().get(1);
    assertThat(restored.trial()).isEqualTo(running);
    assertThat(restored.leaseId()).isEqualTo("lease-2");
    assertThat(restored.leaseLeft()).isBetween(Duration.ofSeconds(20), Duration.ofSeconds(30));
    store.write(List.of(insert("s", 4))); // numbering goes on from the restored counter
    assertThatThrownBy(() -> store.write(List.of(insert("s", 3))))
        .isInstanceOf(StoreException.Conflict.class);
  }

  @Test
  void restoringATakenId_changesNothing() {
    Store store = open();
    store.createStudy(study("s"));
    StudyData other =
        new StudyData(
            new StoredStudy("s", spec("other"), Study.State.ACTIVE, 1, Instant.EPOCH, 1),
            List.of(new StoredTrial(trial("s", 0, Trial.State.SUCCEEDED), null, null)),
            List.of());

    assertThat(store.restoreStudy(other)).isFalse();
    assertThat(store.loadStudy("s").orElseThrow())
        .isEqualTo(new StudyData(study("s"), List.of(), List.of()));
  }

  @Test
  void aRestoreThatFails_leavesNoPartOfTheStudy() {
    Store store = open();
    MeasurementRow twice = new MeasurementRow(0, 1, "loss", 0.5);
    StudyData bad =
        new StudyData(
            study("s"),
            List.of(new StoredTrial(trial("s", 0, Trial.State.SUCCEEDED), null, null)),
            List.of(twice, twice));

    assertThatThrownBy(() -> store.restoreStudy(bad)).isInstanceOf(StoreException.class);
    assertThat(store.loadStudy("s")).isEmpty();
    assertThat(store.listStudies()).isEmpty();
  }

  private static Duration leaseLeft(Store store, long number) {
    return store.loadStudy("s").orElseThrow().trials().get((int) number).leaseLeft();
  }

  @Test
  void aLease_isStoredAsAnExpiryOnTheStoresClock_andReadBackAsTimeLeft() throws Exception {
    Store store = open();
    store.createStudy(study("s"));
    Trial running = trial("s", 0, Trial.State.ACTIVE);
    store.write(
        List.of(
            new Write.InsertTrial("s", running, "lease-0", "ask-0", Duration.ofSeconds(60)),
            insert("s", 1)));

    Duration first = leaseLeft(store, 0);
    assertThat(first).isBetween(Duration.ofSeconds(50), Duration.ofSeconds(60));
    assertThat(leaseLeft(store, 1)).as("written without a lease expiry").isNull();
    Thread.sleep(300);
    assertThat(leaseLeft(store, 0)).as("the clock runs on").isLessThan(first.minusMillis(200));

    store.write(List.of(new Write.RenewLease("s", 0, Duration.ofSeconds(-5))));
    assertThat(leaseLeft(store, 0))
        .as("a lease that ran out reads back negative")
        .isBetween(Duration.ofSeconds(-15), Duration.ofSeconds(-5));

    store.write(
        List.of(new Write.UpdateTrial("s", running, "lease-0", "ask-0", Duration.ofSeconds(30))));
    assertThat(leaseLeft(store, 0)).isBetween(Duration.ofSeconds(20), Duration.ofSeconds(30));
    store.write(
        List.of(new Write.UpdateTrial("s", trial("s", 0, Trial.State.SUCCEEDED), null, "ask-0")));
    assertThat(leaseLeft(store, 0)).as("a finished trial holds no lease").isNull();

    assertThatThrownBy(
            () -> store.write(List.of(new Write.RenewLease("s", 9, Duration.ofSeconds(1)))))
        .as("renewing a trial that does not exist fails its batch")
        .isInstanceOf(StoreException.class);
  }

  @Test
  void aStoredLease_survivesAReopen() {
    assumeTrue(durable(), "this store keeps nothing across a close");
    Store store = open();
    store.createStudy(study("s"));
    store.write(
        List.of(
            new Write.InsertTrial(
                "s",
                trial("s", 0, Trial.State.ACTIVE),
                "lease-0",
                "ask-0",
                Duration.ofSeconds(60))));
    store.close();

    assertThat(leaseLeft(open(), 0)).isBetween(Duration.ofSeconds(50), Duration.ofSeconds(60));
  }

  @Test
  void acknowledgedWrites_surviveAReopen() {
    assumeTrue(durable(), "this store keeps nothing across a close");
    Store store = open();
    store.createStudy(study("s"));
    store.write(
        List.of(
            insert("s", 0),
            measure("s", new MeasurementRow(0, 1, "loss", Double.NaN)),
            new Write.SetStudyState("s", Study.State.PAUSED)));
    StudyData before = store.loadStudy("s").orElseThrow();
    store.close();
    Store again = open();
    assertThat(again.ownership().claim("s")).isInstanceOf(StudyOwnership.Owned.class);
    assertThat(again.loadStudy("s")).contains(before);
    again.write(List.of(insert("s", 1))); // the counter survived too
    assertThat(again.loadStudy("s").orElseThrow().study().nextTrialNumber()).isEqualTo(2);
  }

  @Test
  void concurrentWriters_allLand_andNumbersStayDense() throws Exception {
    AtomicInteger commits = new AtomicInteger();
    Store store = open((nanos, writes) -> commits.incrementAndGet());
    int studies = 8;
    int perStudy = 40;
    for (int s = 0; s < studies; s++) {
      store.createStudy(study("s" + s));
    }
    commits.set(0);
    ExecutorService pool = Executors.newFixedThreadPool(studies);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int s = 0; s < studies; s++) {
        String id = "s" + s;
        futures.add(
            pool.submit(
                () -> {
                  for (int n = 0; n < perStudy; n++) {
                    store.write(
                        List.of(insert(id, n), measure(id, new MeasurementRow(n, 0, "loss", n))));
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    for (int s = 0; s < studies; s++) {
      StudyData data = store.loadStudy("s" + s).orElseThrow();
      assertThat(data.trials())
          .extracting(t -> t.trial().getNumber())
          .containsExactlyElementsOf(
              java.util.stream.LongStream.range(0, perStudy).boxed().toList());
      assertThat(data.measurements()).hasSize(perStudy);
    }
    if (groupCommits()) {
      assertThat(commits.get())
          .as("transactions for %d writes", studies * perStudy)
          .isLessThan(studies * perStudy);
    }
  }

  @Test
  void aFailingWrite_doesNotFailTheWritesCommittedBesideIt() throws Exception {
    Store store = open();
    for (int s = 0; s < 4; s++) {
      store.createStudy(study("s" + s));
    }
    ExecutorService pool = Executors.newFixedThreadPool(5);
    try {
      List<Future<?>> good = new ArrayList<>();
      for (int s = 0; s < 4; s++) {
        String id = "s" + s;
        good.add(
            pool.submit(
                () -> {
                  for (int n = 0; n < 30; n++) {
                    store.write(List.of(insert(id, n)));
                  }
                }));
      }
      Future<?> bad =
          pool.submit(
              () -> {
                for (int i = 0; i < 30; i++) {
                  Write taken = insert("s0", 1000 + i);
                  assertThatThrownBy(() -> store.write(List.of(taken)))
                      .isInstanceOf(StoreException.Conflict.class);
                }
              });
      for (Future<?> f : good) {
        f.get();
      }
      bad.get();
    } finally {
      pool.shutdown();
    }
    for (int s = 0; s < 4; s++) {
      assertThat(store.loadStudy("s" + s).orElseThrow().trials()).hasSize(30);
    }
  }

  @Test
  void probing_succeedsOnAnOpenStore_andWritesFailOnceClosed() {
    Store store = open();
    store.probe();
    assertThat(store.describe()).isNotBlank();
    store.close();
    assertThatThrownBy(() -> store.createStudy(study("late"))).isInstanceOf(StoreException.class);
  }
}
