package vernier.server.storage;

import java.sql.SQLException;

/**
 * What a failed connection to PostgreSQL means, in words that name the database and the fix. The
 * cases are told apart by SQLSTATE (PostgreSQL's error codes, Appendix A of its manual).
 */
final class PostgresErrors {

  private PostgresErrors() {}

  /** The message for a server that could not open its store at start. */
  static String atStart(PostgresUrl url, Throwable cause) {
    SQLException sql = sqlException(cause);
    String state = sql == null ? "" : String.valueOf(sql.getSQLState());
    String detail = cause == null ? "unknown error" : String.valueOf(cause.getMessage());
    String where = url.host() + ":" + url.port();
    if (detail.contains("no password was provided")) {
      return "PostgreSQL at "
          + where
          + " asks for a password"
          + (url.user() == null ? "" : " for user " + url.user())
          + " and none was given: set PGPASSWORD, --db-password-file or a line in ~/.pgpass";
    }
    if (state.equals("28P01") || state.equals("28000")) {
      return "PostgreSQL at "
          + where
          + " refused the login"
          + (url.user() == null ? "" : " of user " + url.user())
          + ": "
          + detail
          + "; check the user in --db and the password in PGPASSWORD, --db-password-file or"
          + " ~/.pgpass";
    }
    if (state.equals("3D000")) {
      return "database "
          + url.database()
          + " does not exist on PostgreSQL at "
          + where
          + "; create it first, e.g. createdb -h "
          + url.host()
          + " -p "
          + url.port()
          + (url.user() == null ? "" : " -U " + url.user())
          + " "
          + url.database();
    }
    if (state.startsWith("08") || state.isEmpty()) {
      return "cannot reach PostgreSQL at "
          + where
          + " ("
          + url
          + "): "
          + detail
          + "; is it running, listening on that address (listen_addresses) and letting this host"
          + " in (pg_hba.conf)?";
    }
    return "cannot connect to PostgreSQL " + url + ": " + detail + " (SQLSTATE " + state + ")";
  }

  private static SQLException sqlException(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SQLException e) {
        return e;
      }
    }
    return null;
  }
}
