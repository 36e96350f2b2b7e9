package vernier.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vernier.v1.Study;
import vernier.v1.StudySpec;
import vernier.v1.Trial;

/** Schema versions of the SQLite file: create, adopt, upgrade, refuse. */
final class SqliteStoreSchemaTest {

  /** The shipped migrations plus a harmless test-only V1000 (a column and an index on trials). */
  private static final String TEST_MIGRATIONS =
      SchemaMigrations.SQLITE + ",classpath:db/migration/sqlite-test";

  /** The DDL of the Vernier before schema versions, verbatim: what files in the field hold. */
  private static final List<String> UNVERSIONED_DDL =
      List.of(
          "CREATE TABLE IF NOT EXISTS studies (id TEXT PRIMARY KEY, spec BLOB NOT NULL,"
              + " state INTEGER NOT NULL, seed INTEGER NOT NULL, create_time_ms INTEGER NOT NULL,"
              + " next_trial_number INTEGER NOT NULL)",
          "CREATE TABLE IF NOT EXISTS trials (study_id TEXT NOT NULL REFERENCES studies(id) ON"
              + " DELETE CASCADE, number INTEGER NOT NULL, state INTEGER NOT NULL, data BLOB NOT"
              + " NULL, lease_id TEXT, request_id TEXT, PRIMARY KEY (study_id, number))",
          "CREATE TABLE IF NOT EXISTS measurements (study_id TEXT NOT NULL, number INTEGER NOT"
              + " NULL, step INTEGER NOT NULL, metric TEXT NOT NULL, value REAL, PRIMARY KEY"
              + " (study_id, number, step, metric), FOREIGN KEY (study_id, number) REFERENCES"
              + " trials(study_id, number) ON DELETE CASCADE)");

  @TempDir Path dir;

  private Path file() {
    return dir.resolve("vernier.db");
  }

  private static StoredStudy study(String id) {
    return study(id, 0);
  }

  private static StoredStudy study(String id, long nextTrialNumber) {
    return new StoredStudy(
        id,
        StudySpec.newBuilder().setDisplayName("schema test").build(),
        Study.State.ACTIVE,
        7,
        Instant.parse("2026-01-01T00:00:00Z"),
        nextTrialNumber);
  }

  private static Trial trial(long number) {
    return Trial.newBuilder()
        .setNumber(number)
        .setName("studies/s/trials/" + number)
        .setState(Trial.State.ACTIVE)
        .build();
  }

  @Test
  void open_recordsTheNewestShippedVersionInANewFile() throws Exception {
    try (Store store = new SqliteStore(file(), Store.CommitListener.NONE)) {
      assertThat(store.createStudy(study("s"))).isTrue();
    }
    assertThat(versions()).startsWith("1").endsWith(newestShippedVersion());
  }

  @Test
  void open_adoptsAFileWrittenBeforeSchemaVersions_andItsDataStillLoads() throws Exception {
    writeUnversionedFile();

    try (Store store = new SqliteStore(file(), Store.CommitListener.NONE)) {
      StudyData data = store.loadStudy("s").orElseThrow();
      assertThat(data.study()).isEqualTo(study("s", 1));
      assertThat(data.trials()).extracting(StoredTrial::leaseId).containsExactly("lease");
      assertThat(data.trials().get(0).leaseLeft()).as("no expiry stored then").isNull();
      store.write(List.of(new Write.InsertTrial("s", trial(1), null, null)));
    }
    assertThat(versions()).startsWith("1").endsWith(newestShippedVersion());
    assertThat(historyTypes()).startsWith("BASELINE");
  }

  @Test
  void open_upgradesAFileWrittenByAnOlderVersion() throws Exception {
    try (Store store = new SqliteStore(file(), Store.CommitListener.NONE)) {
      store.createStudy(study("s"));
      store.write(List.of(new Write.InsertTrial("s", trial(0), "lease", null)));
    }

    String log =
        stderrOf(() -> new SqliteStore(file(), Store.CommitListener.NONE, TEST_MIGRATIONS));

    assertThat(log)
        .contains(
            "Upgraded SQLite schema of " + file().toAbsolutePath() + " from version 2 to 1000");
    assertThat(versions()).containsExactly("1", "2", "1000");
    assertThat(columns("trials")).contains("note");
    try (Store store = new SqliteStore(file(), Store.CommitListener.NONE, TEST_MIGRATIONS)) {
      assertThat(store.loadStudy("s").orElseThrow().trials()).hasSize(1);
    }
  }

  @Test
  void open_adoptsAndUpgradesAFileWrittenBeforeSchemaVersionsInOneGo() throws Exception {
    writeUnversionedFile();

    try (Store store = new SqliteStore(file(), Store.CommitListener.NONE, TEST_MIGRATIONS)) {
      assertThat(store.loadStudy("s").orElseThrow().trials()).hasSize(1);
    }
    assertThat(versions()).containsExactly("1", "2", "1000");
    assertThat(historyTypes()).containsExactly("BASELINE", "SQL", "SQL");
    assertThat(columns("trials")).contains("note");
  }

  @Test
  void open_logsNothingOfItsOwnWhenTheSchemaIsCurrent() {
    new SqliteStore(file(), Store.CommitListener.NONE).close();

    String log = stderrOf(() -> new SqliteStore(file(), Store.CommitListener.NONE));

    assertThat(log).doesNotContain(SchemaMigrations.class.getName());
  }

  @Test
  void open_refusesAFileFromANewerVernier_andLeavesItUntouched() throws Exception {
    new SqliteStore(file(), Store.CommitListener.NONE, TEST_MIGRATIONS).close();
    try (Connection c = connect();
        Statement s = c.createStatement()) { // what a newer Vernier would have left
      s.execute("ALTER TABLE studies ADD COLUMN owner TEXT");
      s.execute(
          "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script,"
              + " checksum, installed_by, execution_time, success) VALUES (4, '1001', 'owner',"
              + " 'SQL', 'V1001__owner.sql', 42, 'vernier', 1, 1)");
    }
    byte[] before = Files.readAllBytes(file());
    List<Path> filesBefore = listing();

    assertThatThrownBy(() -> new SqliteStore(file(), Store.CommitListener.NONE, TEST_MIGRATIONS))
        .isInstanceOf(StoreException.class)
        .hasMessage(
            "%s has schema version 1001, newer than this Vernier understands (1000); use a"
                + " newer Vernier, or a copy of the data made with it",
            file().toAbsolutePath());

    assertThat(Files.readAllBytes(file())).isEqualTo(before);
    assertThat(listing()).isEqualTo(filesBefore);
    assertThat(versions()).containsExactly("1", "2", "1000", "1001");
  }

  @Test
  void open_refusesAFileAnotherServerHolds_untilThatOneCloses() {
    Store first = new SqliteStore(file(), Store.CommitListener.NONE);
    try {
      assertThatThrownBy(() -> new SqliteStore(file(), Store.CommitListener.NONE))
          .isInstanceOf(StoreException.class)
          .hasMessage(
              "%s is in use by another Vernier server (pid %d); stop that server, or give this"
                  + " one another --db",
              file().toAbsolutePath(), ProcessHandle.current().pid());
    } finally {
      first.close();
    }
    new SqliteStore(file(), Store.CommitListener.NONE).close(); // free again
  }

  @Test
  void open_refusesAFileThatIsNotAVernierDatabase() throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE recipes (name TEXT)");
    }

    assertThatThrownBy(() -> new SqliteStore(file(), Store.CommitListener.NONE))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith(file().toAbsolutePath() + " has tables but no Vernier schema")
        .hasMessageEndingWith("it is not a Vernier database; use another file");
    assertThat(query("SELECT name FROM sqlite_master")).containsExactly("recipes");
  }

  /** A file as the Vernier before schema versions wrote it: its DDL, a study and a trial. */
  private void writeUnversionedFile() throws SQLException {
    try (Connection c = connect()) {
      try (Statement s = c.createStatement()) {
        for (String ddl : UNVERSIONED_DDL) {
          s.execute(ddl);
        }
      }
      StoredStudy study = study("s", 1);
      try (PreparedStatement p =
          c.prepareStatement(
              "INSERT INTO studies (id, spec, state, seed, create_time_ms, next_trial_number)"
                  + " VALUES (?,?,?,?,?,?)")) {
        p.setString(1, study.id());
        p.setBytes(2, study.spec().toByteArray());
        p.setInt(3, study.state().getNumber());
        p.setLong(4, study.seed());
        p.setLong(5, study.createTime().toEpochMilli());
        p.setLong(6, study.nextTrialNumber());
        p.executeUpdate();
      }
      try (PreparedStatement p =
          c.prepareStatement(
              "INSERT INTO trials (study_id, number, state, data, lease_id) VALUES"
                  + " ('s', 0, ?, ?, 'lease')")) {
        p.setInt(1, Trial.State.ACTIVE_VALUE);
        p.setBytes(2, trial(0).toByteArray());
        p.executeUpdate();
      }
    }
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + file());
  }

  private List<String> versions() throws SQLException {
    return query("SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank");
  }

  private List<String> historyTypes() throws SQLException {
    return query("SELECT type FROM flyway_schema_history ORDER BY installed_rank");
  }

  private List<String> columns(String table) throws SQLException {
    return query("SELECT name FROM pragma_table_info('" + table + "')");
  }

  private List<String> query(String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private List<Path> listing() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.sorted().toList();
    }
  }

  /** The highest {@code V<n>__} among the shipped SQLite migrations. */
  private static String newestShippedVersion() throws IOException, URISyntaxException {
    Path folder = Path.of(SqliteStoreSchemaTest.class.getResource("/db/migration/sqlite").toURI());
    try (Stream<Path> files = Files.list(folder)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.matches("V\\d+__.*\\.sql"))
          .map(n -> Integer.parseInt(n.substring(1, n.indexOf("__"))))
          .max(Integer::compare)
          .map(String::valueOf)
          .orElseThrow();
    }
  }

  /** What opening (and closing) a store printed: slf4j-simple logs to the current stderr. */
  private static String stderrOf(java.util.function.Supplier<Store> open) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      open.get().close();
    } finally {
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
