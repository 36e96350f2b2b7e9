package vernier.server.storage;

import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteDataSource;
import vernier.v1.Study;
import vernier.v1.StudySpec;
import vernier.v1.Trial;

/**
 * The embedded store: one SQLite file in WAL mode with {@code synchronous=FULL}, so a write that
 * returned is on disk. Writes from every study go through one writer thread that commits whatever
 * has queued up in a single transaction (group commit): durability costs one fsync per batch, not
 * per request. A batch that fails is retried alone so one bad batch cannot fail its neighbours.
 *
 * <p>The file is held by one server at a time ({@link FileOwnership}). The schema is versioned:
 * {@link SchemaMigrations} brings the file to the newest version (or refuses a file from a newer
 * Vernier) before the store opens its connections.
 */
public final class SqliteStore implements Store {

  private static final Logger log = LoggerFactory.getLogger(SqliteStore.class);
  private static final int MAX_BATCHES_PER_COMMIT = 512;
  private static final int BUSY_TIMEOUT_MS = 10_000;

  private final Path file;
  private final FileOwnership ownership;
  private final Connection reader;
  private final Connection writer;
  private final BlockingQueue<PendingWrite> queue = new LinkedBlockingQueue<>();
  private final Thread writerThread;
  private final CommitListener listener;
  private final Map<String, PreparedStatement> statements = new HashMap<>();
  private volatile boolean closed;

  private record PendingWrite(Work work, CompletableFuture<Void> done) {}

  private static final PendingWrite POISON = new PendingWrite(c -> {}, new CompletableFuture<>());

  public SqliteStore(Path file, CommitListener listener) {
    this(file, listener, SchemaMigrations.SQLITE);
  }

  /** Migrates with the migrations at {@code migrations} (a Flyway location): tests bring theirs. */
  SqliteStore(Path file, CommitListener listener, String migrations) {
    this.file = file.toAbsolutePath();
    this.listener = listener;
    try {
      Path parent = this.file.getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      ownership = FileOwnership.acquire(this.file);
    } catch (java.io.IOException e) {
      throw new StoreException(
          "cannot open SQLite database " + this.file + ": " + e.getMessage(), e);
    }
    try {
      SQLiteDataSource dataSource = new SQLiteDataSource(); // unpooled: Flyway closes what it opens
      dataSource.setUrl(url());
      dataSource.setBusyTimeout(BUSY_TIMEOUT_MS);
      new SchemaMigrations(dataSource, migrations, "SQLite", this.file.toString()).migrate();
      writer = open();
      reader = open();
    } catch (SQLException | RuntimeException e) {
      ownership.close();
      throw e instanceof StoreException se
          ? se
          : new StoreException(
              "cannot open SQLite database " + this.file + ": " + e.getMessage(), e);
    }
    writerThread = new Thread(this::writeLoop, "vernier-sqlite-writer");
    writerThread.setDaemon(true);
    writerThread.start();
  }

  private String url() {
    return "jdbc:sqlite:" + file;
  }

  private Connection open() throws SQLException {
    Connection c = DriverManager.getConnection(url());
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("PRAGMA synchronous=FULL");
      s.execute("PRAGMA busy_timeout=" + BUSY_TIMEOUT_MS);
      s.execute("PRAGMA foreign_keys=ON");
    }
    return c;
  }

  @Override
  public boolean createStudy(StoredStudy study) {
    boolean[] created = new boolean[1];
    write(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO studies (id, spec, state, seed, create_time_ms, next_trial_number)"
                      + " VALUES (?,?,?,?,?,?) ON CONFLICT (id) DO NOTHING")) {
            p.setString(1, study.id());
            p.setBytes(2, study.spec().toByteArray());
            p.setInt(3, study.state().getNumber());
            p.setLong(4, study.seed());
            p.setLong(5, study.createTime().toEpochMilli());
            p.setLong(6, study.nextTrialNumber());
            created[0] = p.executeUpdate() == 1;
          }
        });
    return created[0];
  }

  @Override
  public synchronized List<StoredStudy> listStudies() {
    List<StoredStudy> out = new ArrayList<>();
    try (PreparedStatement p =
            reader.prepareStatement(
                "SELECT id, spec, state, seed, create_time_ms, next_trial_number FROM studies ORDER"
                    + " BY id");
        ResultSet rs = p.executeQuery()) {
      while (rs.next()) {
        out.add(study(rs));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot list studies: " + e.getMessage(), e);
    }
  }

  private static StoredStudy study(ResultSet rs) throws SQLException {
    try {
      return new StoredStudy(
          rs.getString(1),
          StudySpec.parseFrom(rs.getBytes(2)),
          Study.State.forNumber(rs.getInt(3)),
          rs.getLong(4),
          Instant.ofEpochMilli(rs.getLong(5)),
          rs.getLong(6));
    } catch (InvalidProtocolBufferException e) {
      throw new StoreException("corrupt spec of study " + rs.getString(1), e);
    }
  }

  @Override
  public synchronized Optional<StudyData> loadStudy(String id) {
    try {
      reader.setAutoCommit(false); // one consistent snapshot across the three reads
      try {
        StoredStudy study;
        try (PreparedStatement p =
            reader.prepareStatement(
                "SELECT id, spec, state, seed, create_time_ms, next_trial_number FROM studies WHERE"
                    + " id = ?")) {
          p.setString(1, id);
          try (ResultSet rs = p.executeQuery()) {
            if (!rs.next()) {
              return Optional.empty();
            }
            study = study(rs);
          }
        }
        return Optional.of(new StudyData(study, trials(id), measurements(id)));
      } finally {
        reader.commit();
        reader.setAutoCommit(true);
      }
    } catch (SQLException | InvalidProtocolBufferException e) {
      throw new StoreException("cannot load study " + id + ": " + e.getMessage(), e);
    }
  }

  private List<StoredTrial> trials(String id) throws SQLException, InvalidProtocolBufferException {
    List<StoredTrial> out = new ArrayList<>();
    try (PreparedStatement p =
        reader.prepareStatement(
            "SELECT data, lease_id, request_id FROM trials WHERE study_id = ? ORDER BY number")) {
      p.setString(1, id);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(
              new StoredTrial(Trial.parseFrom(rs.getBytes(1)), rs.getString(2), rs.getString(3)));
        }
      }
    }
    return out;
  }

  private List<MeasurementRow> measurements(String id) throws SQLException {
    List<MeasurementRow> out = new ArrayList<>();
    try (PreparedStatement p =
        reader.prepareStatement(
            "SELECT number, step, metric, value FROM measurements WHERE study_id = ? ORDER BY"
                + " number, step")) {
      p.setString(1, id);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          double v = rs.getDouble(4);
          if (rs.wasNull()) {
            v = Double.NaN; // SQLite stores NaN as NULL
          }
          out.add(new MeasurementRow(rs.getLong(1), rs.getLong(2), rs.getString(3), v));
        }
      }
    }
    return out;
  }

  @Override
  public void write(List<Write> writes) {
    write(
        c -> {
          for (Write w : writes) {
            apply(c, w);
          }
        });
  }

  /** SQL run inside the writer's transaction. */
  @FunctionalInterface
  private interface Work {
    void run(Connection c) throws SQLException;
  }

  private void write(Work work) {
    if (closed) {
      throw new StoreException("store is closed");
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    queue.add(new PendingWrite(work, done));
    try {
      done.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for commit", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StoreException se) {
        throw se;
      }
      throw new StoreException("commit failed: " + e.getCause().getMessage(), e.getCause());
    }
  }

  private void writeLoop() {
    List<PendingWrite> batch = new ArrayList<>();
    while (true) {
      try {
        batch.add(queue.take());
        queue.drainTo(batch, MAX_BATCHES_PER_COMMIT - 1);
        boolean stop = batch.remove(POISON);
        commit(batch);
        batch.clear();
        if (stop) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void commit(List<PendingWrite> batch) {
    if (batch.isEmpty()) {
      return;
    }
    long start = System.nanoTime();
    try {
      transaction(batch);
      listener.committed(System.nanoTime() - start, batch.size());
      batch.forEach(p -> p.done().complete(null));
    } catch (SQLException | RuntimeException e) {
      if (batch.size() == 1) {
        batch.get(0).done().completeExceptionally(translate(e));
        return;
      }
      for (PendingWrite p : batch) { // find the culprit: each alone
        commit(List.of(p));
      }
    }
  }

  private void transaction(List<PendingWrite> batch) throws SQLException {
    writer.setAutoCommit(false);
    try {
      for (PendingWrite p : batch) {
        p.work().run(writer);
      }
      writer.commit();
    } catch (SQLException | RuntimeException e) {
      writer.rollback();
      throw e;
    } finally {
      writer.setAutoCommit(true);
    }
  }

  private static StoreException translate(Exception e) {
    if (e instanceof StoreException se) {
      return se;
    }
    String message = String.valueOf(e.getMessage());
    if (message.contains("UNIQUE") || message.contains("PRIMARY KEY")) {
      return new StoreException.Conflict(message);
    }
    return new StoreException("SQLite write failed: " + message, e);
  }

  private void apply(Connection c, Write w) throws SQLException {
    if (w instanceof Write.InsertTrial insert) {
      insertTrial(c, insert);
    } else if (w instanceof Write.UpdateTrial update) {
      updateTrial(c, update);
    } else if (w instanceof Write.AddMeasurements add) {
      addMeasurements(c, add);
    } else if (w instanceof Write.DeleteStudy delete) {
      PreparedStatement p = prepared(c, "DELETE FROM studies WHERE id = ?");
      p.setString(1, delete.study());
      if (p.executeUpdate() != 1) {
        throw new StoreException("study " + delete.study() + " does not exist");
      }
    } else if (w instanceof Write.SetStudyState set) {
      PreparedStatement p = prepared(c, "UPDATE studies SET state = ? WHERE id = ?");
      p.setInt(1, set.state().getNumber());
      p.setString(2, set.study());
      if (p.executeUpdate() != 1) {
        throw new StoreException("study " + set.study() + " does not exist");
      }
    }
  }

  /**
   * Takes the next number from the study's counter in this transaction; it must be the one
   * expected.
   */
  private void insertTrial(Connection c, Write.InsertTrial insert) throws SQLException {
    long number = insert.trial().getNumber();
    PreparedStatement counter =
        prepared(
            c,
            "UPDATE studies SET next_trial_number = next_trial_number + 1 WHERE id = ? AND"
                + " next_trial_number = ?");
    counter.setString(1, insert.study());
    counter.setLong(2, number);
    if (counter.executeUpdate() != 1) {
      throw new StoreException.Conflict(
          "trial number " + number + " of " + insert.study() + " is taken");
    }
    PreparedStatement p =
        prepared(
            c,
            "INSERT INTO trials (study_id, number, state, data, lease_id, request_id) VALUES"
                + " (?,?,?,?,?,?)");
    p.setString(1, insert.study());
    p.setLong(2, number);
    p.setInt(3, insert.trial().getStateValue());
    p.setBytes(4, insert.trial().toByteArray());
    p.setString(5, insert.leaseId());
    p.setString(6, insert.requestId());
    p.executeUpdate();
  }

  private void updateTrial(Connection c, Write.UpdateTrial update) throws SQLException {
    PreparedStatement p =
        prepared(
            c,
            "UPDATE trials SET state = ?, data = ?, lease_id = ?, request_id = ? WHERE study_id = ?"
                + " AND number = ?");
    p.setInt(1, update.trial().getStateValue());
    p.setBytes(2, update.trial().toByteArray());
    p.setString(3, update.leaseId());
    p.setString(4, update.requestId());
    p.setString(5, update.study());
    p.setLong(6, update.trial().getNumber());
    if (p.executeUpdate() != 1) {
      throw new StoreException("trial " + update.trial().getName() + " does not exist");
    }
  }

  private void addMeasurements(Connection c, Write.AddMeasurements add) throws SQLException {
    PreparedStatement p =
        prepared(
            c,
            "INSERT INTO measurements (study_id, number, step, metric, value) VALUES (?,?,?,?,?)");
    for (MeasurementRow r : add.rows()) {
      p.setString(1, add.study());
      p.setLong(2, r.number());
      p.setLong(3, r.step());
      p.setString(4, r.metric());
      if (Double.isNaN(r.value())) {
        p.setNull(5, Types.REAL);
      } else {
        p.setDouble(5, r.value());
      }
      p.addBatch();
    }
    p.executeBatch();
  }

  /** The writer's statements, prepared once: only the writer thread uses them. */
  private PreparedStatement prepared(Connection c, String sql) throws SQLException {
    PreparedStatement p = statements.get(sql);
    if (p == null) {
      p = c.prepareStatement(sql);
      statements.put(sql, p);
    }
    return p;
  }

  /**
   * Rewrites the file's application id (Vernier's mark, "VRNR") through the writer's queue: a real
   * commit with its fsync, so it fails when a real write would (disk full, read-only, I/O errors).
   */
  @Override
  public void probe() {
    write(
        c -> {
          try (Statement s = c.createStatement()) {
            s.execute("PRAGMA application_id = " + APPLICATION_ID);
          }
        });
  }

  /** "VRNR" in ASCII: marks a SQLite file as Vernier's for {@code file(1)} and tools. */
  static final int APPLICATION_ID = 0x56524E52;

  @Override
  public String describe() {
    return "SQLite " + file;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    queue.add(POISON);
    try {
      writerThread.join(10_000);
      writer.close();
      synchronized (this) {
        reader.close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (SQLException e) {
      log.warn("closing {}: {}", file, e.getMessage());
    } finally {
      ownership.close();
    }
  }
}
