package vernier.server.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteDataSource;

/**
 * The embedded store: one SQLite file in WAL mode with {@code synchronous=FULL}, so a write that
 * returned is on disk. Writes from every study are group-committed ({@link GroupCommit}):
 * durability costs one fsync per batch, not per request. The SQL is {@link StoreSql}'s, shared with
 * {@link PostgresStore}.
 *
 * <p>The file is held by one server at a time ({@link FileOwnership}). The schema is versioned:
 * {@link SchemaMigrations} brings the file to the newest version (or refuses a file from a newer
 * Vernier) before the store opens its connections.
 */
public final class SqliteStore implements Store {

  private static final Logger log = LoggerFactory.getLogger(SqliteStore.class);
  private static final int BUSY_TIMEOUT_MS = 10_000;
  private static final StoreSql SQL = new StoreSql(StoreSql.Dialect.SQLITE);

  private final Path file;
  private final FileOwnership ownership;
  private final Connection reader;
  private final GroupCommit writer;
  private volatile boolean closed;

  public SqliteStore(Path file, CommitListener listener) {
    this(file, listener, SchemaMigrations.SQLITE);
  }

  /** Migrates with the migrations at {@code migrations} (a Flyway location): tests bring theirs. */
  SqliteStore(Path file, CommitListener listener, String migrations) {
    this.file = file.toAbsolutePath();
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
      reader = open();
    } catch (SQLException | RuntimeException e) {
      ownership.close();
      throw e instanceof StoreException se
          ? se
          : new StoreException(
              "cannot open SQLite database " + this.file + ": " + e.getMessage(), e);
    }
    writer =
        new GroupCommit(
            this::open, e -> SQL.translate(e, "SQLite"), listener, "vernier-sqlite-writer");
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
    writer.write(s -> created[0] = SQL.createStudy(s, study));
    return created[0];
  }

  @Override
  public boolean restoreStudy(StudyData study) {
    boolean[] restored = new boolean[1];
    writer.write(s -> restored[0] = SQL.restoreStudy(s, study));
    return restored[0];
  }

  @Override
  public synchronized List<StoredStudy> listStudies() {
    try {
      return SQL.listStudies(reader);
    } catch (SQLException e) {
      throw new StoreException("cannot list studies: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized Optional<StudyData> loadStudy(String id) {
    try {
      reader.setAutoCommit(false); // one consistent snapshot across the three reads
      try {
        return SQL.loadStudy(reader, id);
      } finally {
        reader.commit();
        reader.setAutoCommit(true);
      }
    } catch (SQLException | com.google.protobuf.InvalidProtocolBufferException e) {
      throw new StoreException("cannot load study " + id + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void write(List<Write> writes) {
    writer.write(
        s -> {
          for (Write w : writes) {
            SQL.apply(s, w);
          }
        });
  }

  /**
   * Rewrites the file's application id (Vernier's mark, "VRNR") through the writer's queue: a real
   * commit with its fsync, so it fails when a real write would (disk full, read-only, I/O errors).
   */
  @Override
  public void probe() {
    writer.write(
        s -> {
          try (Statement st = s.connection().createStatement()) {
            st.execute("PRAGMA application_id = " + APPLICATION_ID);
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
    try {
      writer.close();
      synchronized (this) {
        reader.close();
      }
    } catch (SQLException e) {
      log.warn("closing {}: {}", file, e.getMessage());
    } finally {
      ownership.close();
    }
  }
}
