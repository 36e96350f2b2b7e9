package vernier.server.storage;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a store's schema to the newest version this binary knows, with Flyway. The applied
 * versions are recorded in the database itself (Flyway's {@code flyway_schema_history} table); each
 * store keeps its migrations in its own classpath folder ({@link #SQLITE}, {@link #POSTGRESQL}), so
 * the stores share this logic but not their SQL.
 *
 * <p>A database written before versions were recorded (it has the version 1 tables, no history) is
 * adopted as version 1 without running anything; a database from a newer Vernier is refused before
 * anything is written, since this binary cannot know what the newer schema means.
 */
final class SchemaMigrations {

  /** The SQLite store's migrations. */
  static final String SQLITE = "classpath:db/migration/sqlite";

  /** The PostgreSQL store's migrations. */
  static final String POSTGRESQL = "classpath:db/migration/postgresql";

  private static final Logger log = LoggerFactory.getLogger(SchemaMigrations.class);
  private static final String HISTORY = "flyway_schema_history";

  /** The tables of version 1: their presence without a history means "written before V1". */
  private static final List<String> VERSION_1_TABLES = List.of("studies", "trials", "measurements");

  private final DataSource dataSource;
  private final String location;
  private final String kind;
  private final String name;

  /**
   * @param dataSource hands out connections to the database; each is closed after use
   * @param location the Flyway location of this store's migrations, e.g. {@link #SQLITE}; several
   *     separated by commas
   * @param kind the database product, for the log: "SQLite"
   * @param name the database in messages: the file, or a URL without credentials
   */
  SchemaMigrations(DataSource dataSource, String location, String kind, String name) {
    this.dataSource = dataSource;
    this.location = location;
    this.kind = kind;
    this.name = name;
  }

  /**
   * Migrates the database to the newest known version.
   *
   * @throws StoreException if it is newer than this binary, not a Vernier database, or a migration
   *     fails
   */
  void migrate() {
    try {
      boolean adopt = writtenBeforeVersions();
      Flyway flyway = flyway(adopt);
      MigrationInfoService info = flyway.info();
      MigrationInfo applied = info.current();
      MigrationVersion current = applied == null ? null : applied.getVersion();
      MigrationVersion newest = newestKnown(info);
      if (current != null && current.compareTo(newest) > 0) {
        throw new StoreException(
            String.format(
                "%s has schema version %s, newer than this Vernier understands (%s); use a newer"
                    + " Vernier, or a copy of the data made with it",
                name, current, newest));
      }
      report(adopt ? MigrationVersion.fromVersion("1") : current, adopt, flyway.migrate());
    } catch (FlywayException | SQLException e) {
      throw new StoreException("cannot migrate " + name + ": " + e.getMessage(), e);
    }
  }

  private Flyway flyway(boolean adopt) {
    return Flyway.configure(SchemaMigrations.class.getClassLoader())
        .dataSource(dataSource)
        .locations(location.split(","))
        .failOnMissingLocations(true)
        .table(HISTORY)
        // adopt only a database that has our tables: one with foreign tables is refused
        .baselineOnMigrate(adopt)
        .baselineVersion("1")
        .baselineDescription("written before schema versions were recorded")
        // a version this binary does not know is an error, not something to skip
        .ignoreMigrationPatterns(new String[0])
        .validateOnMigrate(true)
        .cleanDisabled(true)
        .load();
  }

  /**
   * True when the version 1 tables exist but no history: a file of a Vernier before schema
   * versions. Other tables without a history are someone else's: refused, never baselined.
   */
  private boolean writtenBeforeVersions() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      if (exists(c, HISTORY)) {
        return false;
      }
      int ours = 0;
      for (String table : VERSION_1_TABLES) {
        ours += exists(c, table) ? 1 : 0;
      }
      if (ours == VERSION_1_TABLES.size()) {
        return true;
      }
      if (exists(c, "%")) {
        throw new StoreException(
            name
                + " has tables but no Vernier schema history (and not the tables "
                + String.join(", ", VERSION_1_TABLES)
                + "): it is not a Vernier database; use another file");
      }
      return false;
    }
  }

  /**
   * Whether a table matching {@code pattern} (a JDBC pattern: % and _ are wildcards) exists in the
   * connection's schema (PostgreSQL: the first of the search path; SQLite has none).
   */
  private static boolean exists(Connection c, String pattern) throws SQLException {
    try (ResultSet rs =
        c.getMetaData().getTables(null, c.getSchema(), pattern, new String[] {"TABLE"})) {
      return rs.next();
    }
  }

  private MigrationVersion newestKnown(MigrationInfoService info) {
    return Arrays.stream(info.all())
        .filter(m -> m.getState().isResolved())
        .map(MigrationInfo::getVersion)
        .filter(Objects::nonNull)
        .max(MigrationVersion::compareTo)
        .orElseThrow(() -> new StoreException("no schema migrations found at " + location));
  }

  /** One line when something changed; silence when the schema was already current. */
  private void report(MigrationVersion from, boolean adopted, MigrateResult result) {
    String to = result.targetSchemaVersion;
    if (from == null && result.migrationsExecuted == 0) {
      // another server created it between our look and Flyway's lock (replicas starting together)
      log.info("{} schema of {} was created by another server meanwhile", kind, name);
    } else if (from == null) {
      log.info("Created {} schema of {} at version {}", kind, name, to);
    } else if (result.migrationsExecuted > 0) {
      log.info(
          "Upgraded {} schema of {} from version {}{} to {}",
          kind,
          name,
          from,
          adopted ? " (written before schema versions were recorded)" : "",
          to);
    } else if (adopted) {
      log.info(
          "Recorded {} schema of {} as version {}: it was written before schema versions were"
              + " recorded",
          kind,
          name,
          from);
    }
  }
}
