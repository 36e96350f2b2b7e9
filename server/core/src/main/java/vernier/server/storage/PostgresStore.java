package vernier.server.storage;

import com.google.protobuf.InvalidProtocolBufferException;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import vernier.server.cluster.StudyOwnership;

/**
 * The shared store: a PostgreSQL database, through the PostgreSQL JDBC driver and a HikariCP pool.
 * Writes are group-committed on one connection ({@link GroupCommit}) with PostgreSQL's defaults
 * ({@code fsync} and {@code synchronous_commit} on), so a write that returned is durable; reads
 * take pooled connections, a study's load in one read-only repeatable-read transaction. The SQL is
 * {@link StoreSql}'s, shared with {@link SqliteStore}.
 *
 * <p>What Optuna's RDB storage taught (lock waits and deadlocks with many workers, slow growth): no
 * {@code SELECT ... FOR UPDATE}; a trial number is taken by one conditional update of the study's
 * counter in the inserting transaction; every read goes through a primary-key prefix; a study's
 * history is read once, when its coordinator loads it, never per ask.
 *
 * <p>The schema is versioned with Flyway ({@link SchemaMigrations#POSTGRESQL}), as SQLite's is.
 */
public final class PostgresStore implements Store {

  private static final StoreSql SQL = new StoreSql(StoreSql.Dialect.POSTGRESQL);
  private static final int POOL_SIZE = 8;

  /**
   * How long a request waits for a connection before it fails (UNAVAILABLE) while the database is
   * away.
   */
  private static final long CONNECT_TIMEOUT_MS = 3_000;

  private final PostgresUrl url;
  private final HikariDataSource pool;
  private final GroupCommit writer;
  private final PostgresOwnership ownership;
  private volatile boolean closed;

  /**
   * Connects, migrates the schema and starts the writer.
   *
   * @param password the role's password; null to let the driver look in {@code ~/.pgpass} (or none,
   *     for trust authentication)
   * @throws StoreException naming the database and what went wrong (unreachable, refused login,
   *     missing database, a schema newer than this Vernier)
   */
  public PostgresStore(
      PostgresUrl url, String password, Duration ownershipTtl, CommitListener listener) {
    this(url, password, ownershipTtl, listener, SchemaMigrations.POSTGRESQL);
  }

  /** With the default ownership time to live. */
  public PostgresStore(PostgresUrl url, String password, CommitListener listener) {
    this(url, password, DEFAULT_OWNERSHIP_TTL, listener);
  }

  /** How long a replica's claim on a study lives without renewal: the failover delay. */
  public static final Duration DEFAULT_OWNERSHIP_TTL = Duration.ofSeconds(5);

  /** Migrates with the migrations at {@code migrations} (a Flyway location): tests bring theirs. */
  PostgresStore(PostgresUrl url, String password, CommitListener listener, String migrations) {
    this(url, password, DEFAULT_OWNERSHIP_TTL, listener, migrations);
  }

  private PostgresStore(
      PostgresUrl url,
      String password,
      Duration ownershipTtl,
      CommitListener listener,
      String migrations) {
    this.url = url;
    HikariConfig config = new HikariConfig();
    config.setPoolName("vernier-postgresql");
    config.setJdbcUrl(url.jdbcUrl());
    if (url.user() != null) {
      config.setUsername(url.user());
    }
    if (password != null) {
      config.setPassword(password);
    }
    config.setMaximumPoolSize(POOL_SIZE);
    config.setMinimumIdle(2);
    config.setConnectionTimeout(CONNECT_TIMEOUT_MS);
    config.addDataSourceProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_MS / 1000));
    config.addDataSourceProperty("ApplicationName", "vernier");
    // A replica paused (SIGSTOP, a long GC) or cut off in the middle of a write transaction holds
    // its study's ownership row locked; PostgreSQL ends such a transaction once it has been idle
    // this long, so the others can take the study over (its late writes are then refused).
    config.setConnectionInitSql(
        "SET idle_in_transaction_session_timeout = " + idleInTransactionMillis(ownershipTtl));
    try {
      pool = new HikariDataSource(config);
    } catch (HikariPool.PoolInitializationException e) {
      throw new StoreException(PostgresErrors.atStart(url, e.getCause()), e);
    }
    try {
      new SchemaMigrations(pool, migrations, "PostgreSQL", url.toString()).migrate();
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    ownership = new PostgresOwnership(pool, ownershipTtl);
    writer =
        new GroupCommit(
            pool::getConnection,
            e -> SQL.translate(e, "PostgreSQL"),
            listener,
            "vernier-postgresql-writer");
  }

  /** Inserts the study with this replica's claim on it (epoch 1), in one transaction. */
  /**
   * The ownership time to live, but at least 5 s: a read of a big study keeps its snapshot open
   * while it parses the rows, and must not be cut off.
   */
  static long idleInTransactionMillis(Duration ownershipTtl) {
    Duration ttl = ownershipTtl == null ? DEFAULT_OWNERSHIP_TTL : ownershipTtl;
    return Math.max(ttl.toMillis(), 5_000);
  }

  @Override
  public boolean createStudy(StoredStudy study) {
    boolean[] created = new boolean[1];
    writer.write(
        s -> {
          created[0] = SQL.createStudy(s, study);
          if (created[0]) {
            ownership.insertCreatorClaim(s, study.id());
          }
        });
    if (created[0]) {
      ownership.created(study.id());
    }
    return created[0];
  }

  /** Inserts the whole study with this replica's claim on it, in one transaction. */
  @Override
  public boolean restoreStudy(StudyData study) {
    String id = study.study().id();
    boolean[] restored = new boolean[1];
    writer.write(
        s -> {
          restored[0] = SQL.restoreStudy(s, study);
          if (restored[0]) {
            ownership.insertCreatorClaim(s, id);
          }
        });
    if (restored[0]) {
      ownership.created(id);
    }
    return restored[0];
  }

  @Override
  public StudyOwnership ownership() {
    return ownership;
  }

  @Override
  public List<StoredStudy> listStudies() {
    try (Connection c = pool.getConnection()) {
      return SQL.listStudies(c);
    } catch (SQLException e) {
      throw new StoreException("cannot list studies in " + url + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<StudyData> loadStudy(String id) {
    try (Connection c = pool.getConnection()) {
      c.setReadOnly(true);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ); // one snapshot
      c.setAutoCommit(false);
      try {
        return SQL.loadStudy(c, id);
      } finally {
        c.rollback();
      }
    } catch (SQLException | InvalidProtocolBufferException e) {
      throw new StoreException(
          "cannot load study " + id + " from " + url + ": " + e.getMessage(), e);
    }
  }

  /**
   * Applies the writes after fencing each of their studies ({@link PostgresOwnership#fence}), in
   * one transaction: a write of a study this replica no longer owns changes nothing.
   */
  @Override
  public void write(List<Write> writes) {
    write(writes, -1);
  }

  /** As {@link #write(List)}, fenced at {@code epoch} (-1: the epoch this replica holds). */
  @Override
  public void write(List<Write> writes, long epoch) {
    Set<String> studies = new TreeSet<>(); // one order everywhere: no lock-order deadlocks
    writes.forEach(w -> studies.add(w.study()));
    try {
      writer.write(
          s -> {
            for (String study : studies) {
              ownership.fence(s, study, epoch);
            }
            for (Write w : writes) {
              SQL.apply(s, w);
            }
          });
    } catch (StoreException.Fenced e) {
      ownership.fenced(e.study(), epoch);
      throw e;
    }
    writes.stream()
        .filter(Write.DeleteStudy.class::isInstance)
        .forEach(w -> ownership.deleted(w.study()));
  }

  /**
   * Rewrites the one row of {@code vernier_probe} through the writer: a real commit, so it fails
   * where a real write would (database down, read-only standby, disk full).
   */
  @Override
  public void probe() {
    writer.write(s -> s.prepared("UPDATE vernier_probe SET probed_at = now()").executeUpdate());
  }

  @Override
  public String describe() {
    return "PostgreSQL " + url;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      writer.close();
      ownership.close();
    } finally {
      pool.close();
    }
  }
}
