package vernier.server.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the PostgreSQL password comes from: never the command line (every user of the machine reads
 * it in {@code ps}) and never a log line. In this order: the file given with {@code
 * --db-password-file} (its first line), the {@code PGPASSWORD} environment variable (libpq's), or
 * none, which lets the driver read {@code ~/.pgpass} (or log in without one, under trust or
 * certificate authentication).
 */
public final class DatabasePassword {

  private DatabasePassword() {}

  /**
   * @param file {@code --db-password-file}, or null
   * @param env the environment
   * @return the password, or null for the driver's own lookup
   * @throws IllegalArgumentException naming the file when it cannot be read or is empty
   */
  public static String resolve(Path file, Map<String, String> env) {
    if (file != null) {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "--db-password-file " + file + ": cannot read it (" + e.getMessage() + ")", e);
      }
      String line = text.lines().findFirst().orElse("");
      if (line.isEmpty()) {
        throw new IllegalArgumentException(
            "--db-password-file "
                + file
                + ": the file is empty; put the password on its first line");
      }
      return line;
    }
    String fromEnv = env.get("PGPASSWORD");
    return fromEnv == null || fromEnv.isEmpty() ? null : fromEnv;
  }
}
