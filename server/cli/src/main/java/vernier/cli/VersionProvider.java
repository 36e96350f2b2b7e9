package vernier.cli;

import picocli.CommandLine.IVersionProvider;
import vernier.server.BuildInfo;

/** {@code vernier --version}: the release and the git commit it was built from. */
final class VersionProvider implements IVersionProvider {

  @Override
  public String[] getVersion() {
    return new String[] {BuildInfo.line()};
  }
}
