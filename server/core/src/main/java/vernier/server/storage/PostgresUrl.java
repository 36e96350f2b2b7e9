package vernier.server.storage;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where a PostgreSQL database is: {@code postgresql://user@host:port/dbname?sslmode=verify-full}
 * (libpq's URI form; {@code postgres://} and {@code jdbc:postgresql://} are accepted too). The
 * query parameters go to the PostgreSQL JDBC driver unchanged (TLS: {@code sslmode}, {@code
 * sslrootcert}, {@code sslcert}, {@code sslkey}).
 *
 * <p>A password is refused here: a URL sits on command lines, which every user of the machine can
 * read in {@code ps}, and in logs. It comes from {@code PGPASSWORD}, a password file or {@code
 * ~/.pgpass} instead ({@link PostgresStore}).
 *
 * @param host the server's host name or address
 * @param port its port, 5432 when the URL names none
 * @param database the database's name
 * @param user the role to connect as; null for the driver's default (the operating-system user)
 * @param parameters driver parameters from the query string, in order
 */
public record PostgresUrl(
    String host, int port, String database, String user, Map<String, String> parameters) {

  /** Query parameters that would carry a secret. */
  private static final Set<String> SECRET_PARAMETERS = Set.of("password", "sslpassword");

  private static final String FORM = "postgresql://user@host:5432/dbname";

  public PostgresUrl {
    parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
  }

  /** Whether {@code location} (a {@code --db} value) names a PostgreSQL database. */
  public static boolean isPostgres(String location) {
    String l = location.toLowerCase(Locale.ROOT);
    return l.startsWith("postgresql://")
        || l.startsWith("postgres://")
        || l.startsWith("jdbc:postgresql:");
  }

  /**
   * Parses a {@code --db} value.
   *
   * @throws IllegalArgumentException naming what is wrong and the form expected
   */
  public static PostgresUrl parse(String location) {
    String text = location.startsWith("jdbc:") ? location.substring("jdbc:".length()) : location;
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw invalid(location, e.getReason() + " at index " + e.getIndex());
    }
    String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
    if (!scheme.equals("postgresql") && !scheme.equals("postgres")) {
      throw invalid(location, "the scheme must be postgresql://");
    }
    if (uri.getHost() == null) {
      throw invalid(location, "no host (several hosts in one URL are not supported)");
    }
    String userInfo = uri.getUserInfo();
    if (userInfo != null && userInfo.contains(":")) {
      throw new IllegalArgumentException(
          "--db: the URL holds a password; remove it and set PGPASSWORD or --db-password-file"
              + " instead (a command line is visible to every user of the machine)");
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    if (path.length() <= 1 || path.indexOf('/', 1) >= 0) {
      throw invalid(location, "name the database after the port, e.g. /vernier");
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String key = decode(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
        if (SECRET_PARAMETERS.contains(key.toLowerCase(Locale.ROOT))) {
          throw new IllegalArgumentException(
              "--db: the URL holds a secret ("
                  + key
                  + "); use PGPASSWORD or --db-password-file for the password instead");
        }
        if (key.equalsIgnoreCase("user")) {
          userInfo = value;
        } else {
          parameters.put(key, value);
        }
      }
    }
    return new PostgresUrl(
        uri.getHost(),
        uri.getPort() < 0 ? 5432 : uri.getPort(),
        path.substring(1),
        userInfo == null || userInfo.isEmpty() ? null : decode(userInfo),
        parameters);
  }

  private static String decode(String s) {
    return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  private static IllegalArgumentException invalid(String location, String why) {
    return new IllegalArgumentException(
        "--db " + redacted(location) + ": not a PostgreSQL URL (" + why + "); expected " + FORM);
  }

  /** {@code location} with anything between "//" and "@" hidden, for messages. */
  private static String redacted(String location) {
    int start = location.indexOf("//");
    int at = location.indexOf('@');
    return start >= 0 && at > start
        ? location.substring(0, start + 2) + "…" + location.substring(at)
        : location;
  }

  /** The driver's URL, without the user (passed as a property). */
  public String jdbcUrl() {
    StringBuilder b = new StringBuilder("jdbc:postgresql://");
    b.append(hostForUrl()).append(':').append(port).append('/').append(encode(database));
    String sep = "?";
    for (Map.Entry<String, String> e : parameters.entrySet()) {
      b.append(sep).append(encode(e.getKey())).append('=').append(encode(e.getValue()));
      sep = "&";
    }
    return b.toString();
  }

  private String hostForUrl() {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** For logs and messages: no secret can be in it (the URL holds none). */
  @Override
  public String toString() {
    return "postgresql://"
        + (user == null ? "" : user + "@")
        + hostForUrl()
        + ":"
        + port
        + "/"
        + database;
  }
}
