package vernier.server.storage;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests: Debian's PostgreSQL (15) started from a fresh {@code initdb}
 * in a temporary directory on a free port, with password (SCRAM) logins over TCP and its default
 * durability settings, removed when the JVM exits. One per test JVM ({@link #shared}); each test
 * takes a database of its own ({@link #newDatabase}). As root, the server runs as the {@code
 * postgres} user (PostgreSQL refuses to run as root).
 *
 * <p>{@code bin/test-all} installs the {@code postgresql} package when it is missing.
 */
public final class LocalPostgres implements AutoCloseable {

  public static final String USER = "vernier";
  public static final String PASSWORD = "correct horse battery staple";

  private static LocalPostgres shared;

  private final Path bin;
  private final Path dir;
  private final Path data;
  private final int port;
  private final boolean asPostgresUser;
  private final AtomicInteger databases = new AtomicInteger();

  /** The JVM's server, started on first use. */
  public static synchronized LocalPostgres shared() {
    if (shared == null) {
      shared = new LocalPostgres();
      LocalPostgres s = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(s::close, "local-postgres-stop"));
    }
    return shared;
  }

  /** A server of its own, for a test that stops and starts it; close it when done. */
  public static LocalPostgres startNew() {
    return new LocalPostgres();
  }

  private LocalPostgres() {
    bin = findBin();
    asPostgresUser = "root".equals(System.getProperty("user.name"));
    try {
      dir = Files.createTempDirectory("vernier-pg");
      data = dir.resolve("data");
      Path pwfile = dir.resolve("pw");
      Files.writeString(pwfile, PASSWORD + "\n");
      if (asPostgresUser) {
        chownToPostgres(dir);
        chownToPostgres(pwfile);
      }
      port = freePort();
      run(
          "initdb",
          "-D",
          data.toString(),
          "-U",
          USER,
          "--pwfile=" + pwfile,
          "--auth-local=trust",
          "--auth-host=scram-sha-256",
          "-E",
          "UTF8",
          "--no-sync"); // initdb's own flush of the template; the server itself runs with fsync on
      start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start PostgreSQL for tests: " + e.getMessage(), e);
    }
  }

  /** Starts the server (again). */
  public void start() {
    run(
        "pg_ctl",
        "-D",
        data.toString(),
        "-l",
        dir.resolve("server.log").toString(),
        "-w",
        "-t",
        "60",
        "-o",
        "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + dir,
        "start");
  }

  /** Stops the server now ({@code -m fast}: connections are cut, as when it goes down). */
  public void stop() {
    run("pg_ctl", "-D", data.toString(), "-w", "-m", "fast", "stop");
  }

  public int port() {
    return port;
  }

  /** Creates an empty database and returns its URL (no password in it). */
  public PostgresUrl newDatabase() {
    String name = "test_" + ProcessHandle.current().pid() + "_" + databases.incrementAndGet();
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port + "/postgres", USER, PASSWORD);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
    }
    return url(name);
  }

  /** The URL of database {@code name} on this server. */
  public PostgresUrl url(String name) {
    return PostgresUrl.parse("postgresql://" + USER + "@127.0.0.1:" + port + "/" + name);
  }

  /** A connection to {@code url}'s database, for checking what was stored. */
  public Connection connect(PostgresUrl url) throws SQLException {
    return DriverManager.getConnection(url.jdbcUrl(), USER, PASSWORD);
  }

  @Override
  public void close() {
    try {
      run("pg_ctl", "-D", data.toString(), "-w", "-m", "immediate", "stop");
    } catch (RuntimeException e) {
      // already stopped
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory: the OS cleans it
    }
  }

  private void run(String tool, String... args) {
    List<String> command = new ArrayList<>();
    if (asPostgresUser) {
      command.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    command.add(bin.resolve(tool).toString());
    command.addAll(Arrays.asList(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        String log = "";
        Path serverLog = dir == null ? null : dir.resolve("server.log");
        if (serverLog != null && Files.exists(serverLog)) {
          log = "\nserver.log:\n" + Files.readString(serverLog);
        }
        throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output + log);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + command, e);
    }
  }

  /** PostgreSQL's server programs: the newest /usr/lib/postgresql/N/bin (Debian's layout). */
  private static Path findBin() {
    String override = System.getenv("VERNIER_PG_BIN");
    if (override != null && !override.isBlank()) {
      return Path.of(override);
    }
    Path root = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(root)) {
      try (Stream<Path> versions = Files.list(root)) {
        var newest =
            versions
                .filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
                .max(Comparator.comparingInt(LocalPostgres::majorVersion));
        if (newest.isPresent()) {
          return newest.get().resolve("bin");
        }
      } catch (IOException e) {
        // fall through to the error
      }
    }
    throw new IllegalStateException(
        "PostgreSQL's server is not installed (no /usr/lib/postgresql/*/bin/initdb): run"
            + " bin/test-all, which installs it, or apt-get install postgresql; or set"
            + " VERNIER_PG_BIN to the directory of initdb and pg_ctl");
  }

  private static int majorVersion(Path versionDir) {
    try {
      return Integer.parseInt(versionDir.getFileName().toString());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void chownToPostgres(Path path) throws IOException {
    UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
    Files.setOwner(path, users.lookupPrincipalByName("postgres"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
