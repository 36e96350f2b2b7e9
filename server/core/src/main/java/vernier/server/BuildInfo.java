package vernier.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The running Vernier's version and the git commit it was built from, as Maven recorded them in
 * {@code version.properties}; "unknown" for what the build could not know (no git checkout). Read
 * by {@code vernier --version} and the {@code vernier_build_info} metric.
 */
public final class BuildInfo {

  private static final Properties PROPERTIES = load();

  private BuildInfo() {}

  public static String version() {
    return known(PROPERTIES.getProperty("version"));
  }

  public static String commit() {
    return known(PROPERTIES.getProperty("commit"));
  }

  /** Whether the build had uncommitted changes. */
  public static boolean modified() {
    return "true".equals(PROPERTIES.getProperty("dirty"));
  }

  /** One line: {@code vernier 0.1.0 (commit 1a2b3c4)}. */
  public static String line() {
    return "vernier "
        + version()
        + " (commit "
        + commit()
        + (modified() ? ", with uncommitted changes" : "")
        + ")";
  }

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  /** A property Maven did not fill in reads as "unknown". */
  private static String known(String value) {
    return value == null || value.isBlank() || value.startsWith("${") ? "unknown" : value;
  }
}
