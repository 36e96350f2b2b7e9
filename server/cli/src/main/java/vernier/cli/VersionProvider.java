package vernier.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code vernier --version}: the release and the git commit it was built from, as Maven recorded
 * them in {@code version.properties} ("unknown" when built outside a git checkout).
 */
final class VersionProvider implements IVersionProvider {

  @Override
  public String[] getVersion() {
    return new String[] {line()};
  }

  static String line() {
    Properties p = new Properties();
    try (InputStream in = VersionProvider.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String commit = known(p.getProperty("commit"));
    boolean modified = "true".equals(p.getProperty("dirty"));
    return "vernier "
        + known(p.getProperty("version"))
        + " (commit "
        + commit
        + (modified ? ", with uncommitted changes" : "")
        + ")";
  }

  /** A property Maven did not fill in (no git directory) reads as "unknown". */
  private static String known(String value) {
    return value == null || value.isBlank() || value.startsWith("${") ? "unknown" : value;
  }
}
