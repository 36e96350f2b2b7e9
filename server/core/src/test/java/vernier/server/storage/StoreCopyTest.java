package vernier.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vernier.v1.Study;
import vernier.v1.Trial;

/** SQLite to PostgreSQL and back ({@code vernier db migrate}): every stored field survives. */
final class StoreCopyTest {

  @TempDir Path dir;

  /** Two studies: 1,200 trials in every state, with labels, leases and measurements (NaN too). */
  private static void fill(Store store) {
    store.createStudy(StoreContract.study("big"));
    store.createStudy(StoreContract.study("small"));
    List<Write> writes = new ArrayList<>();
    Trial.State[] states = {
      Trial.State.SUCCEEDED, Trial.State.FAILED, Trial.State.PRUNED, Trial.State.ACTIVE
    };
    for (int n = 0; n < 1_200; n++) {
      Trial t =
          StoreContract.trial("big", n, states[n % states.length]).toBuilder()
              .putValues("loss", n * 0.5)
              .putLabels("note", "trial " + n + " ✓")
              .build();
      boolean running = t.getState() == Trial.State.ACTIVE;
      writes.add(
          new Write.InsertTrial(
              "big", t, running ? "lease-" + n : null, running ? "ask-" + n : null));
      writes.add(
          new Write.AddMeasurements(
              "big",
              List.of(
                  new MeasurementRow(n, 1, "loss", n % 7 == 0 ? Double.NaN : 1.0 / (n + 1)),
                  new MeasurementRow(n, 2, "loss", -n))));
    }
    writes.add(
        new Write.InsertTrial(
            "small", StoreContract.trial("small", 0, Trial.State.ACTIVE), "l", "r"));
    writes.add(new Write.SetStudyState("small", Study.State.PAUSED));
    store.write(writes);
  }

  @Test
  void sqliteToPostgresAndBack_isLossless() {
    PostgresUrl url = LocalPostgres.shared().newDatabase();
    List<String> progress = new ArrayList<>();
    try (Store sqlite = new SqliteStore(dir.resolve("a.db"), Store.CommitListener.NONE);
        Store postgres = new PostgresStore(url, LocalPostgres.PASSWORD, Store.CommitListener.NONE);
        Store back = new SqliteStore(dir.resolve("b.db"), Store.CommitListener.NONE)) {
      postgres.ownership().advertise("127.0.0.1:7070");
      fill(sqlite);
      StoreCopy.Copied copied = new StoreCopy(sqlite, postgres, progress::add).copy(List.of());
      assertThat(copied).isEqualTo(new StoreCopy.Copied(2, 1_201, 2_400));
      new StoreCopy(postgres, back, s -> {}).copy(List.of());
      for (String id : List.of("big", "small")) {
        StudyData original = sqlite.loadStudy(id).orElseThrow();
        assertThat(postgres.loadStudy(id)).contains(original);
        assertThat(back.loadStudy(id)).contains(original);
      }
      assertThat(progress)
          .containsExactly(
              "copied study big: 1200 trials, 2400 measurements",
              "copied study small: 1 trials, 0 measurements");
    }
  }

  @Test
  void aStudyThatExistsInTheTarget_stopsTheCopyBeforeAnythingIsWritten() {
    try (Store from = new SqliteStore(dir.resolve("a.db"), Store.CommitListener.NONE);
        Store to = new SqliteStore(dir.resolve("b.db"), Store.CommitListener.NONE)) {
      fill(from);
      to.createStudy(StoreContract.study("small"));
      assertThatThrownBy(() -> new StoreCopy(from, to, s -> {}).copy(List.of()))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("already has small; nothing was copied");
      assertThat(to.listStudies()).extracting(StoredStudy::id).containsExactly("small");
      assertThatThrownBy(() -> new StoreCopy(from, to, s -> {}).copy(List.of("nope")))
          .hasMessageContaining("not in SQLite")
          .hasMessageContaining("nope");
      new StoreCopy(from, to, s -> {}).copy(List.of("big")); // by name: only that one
      assertThat(to.loadStudy("big")).isEqualTo(from.loadStudy("big"));
    }
  }
}
