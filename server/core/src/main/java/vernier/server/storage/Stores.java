package vernier.server.storage;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Opens the store a {@code --db} value names: a SQLite file, a PostgreSQL URL or {@code :memory:}.
 */
public final class Stores {

  /** The {@code --db} value of a store that keeps nothing. */
  public static final String MEMORY = ":memory:";

  private Stores() {}

  /**
   * @param location a SQLite file, a PostgreSQL URL ({@link PostgresUrl}) or {@link #MEMORY}
   * @param passwordFile the PostgreSQL password's file, or null ({@link DatabasePassword})
   * @param ownershipTtl the PostgreSQL claims' time to live, or null for the default
   */
  public static Store open(
      String location,
      Path passwordFile,
      Duration ownershipTtl,
      Map<String, String> env,
      Store.CommitListener listener) {
    if (MEMORY.equals(location)) {
      return new MemoryStore();
    }
    if (PostgresUrl.isPostgres(location)) {
      return new PostgresStore(
          PostgresUrl.parse(location),
          DatabasePassword.resolve(passwordFile, env),
          ownershipTtl == null ? PostgresStore.DEFAULT_OWNERSHIP_TTL : ownershipTtl,
          listener);
    }
    return new SqliteStore(Path.of(location), listener);
  }
}
