package vernier.cli;

import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import vernier.client.VernierClient;

/** The server address shared by the client-side commands, and where it came from. */
final class ServerOptions {

  static final String ENV = "VERNIER_SERVER";

  @Option(
      names = {"-s", "--server"},
      defaultValue = "${env:VERNIER_SERVER:-127.0.0.1:7070}",
      description =
          "Server address host:port (default: ${DEFAULT-VALUE}, from VERNIER_SERVER when set).")
  String server;

  @Mixin CredentialOptions credentials;

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  /**
   * A client whose calls retry an unavailable server for at most {@code deadline}, and whose
   * attempts each take at most {@code deadline}.
   */
  VernierClient connect(Duration deadline) {
    return credentials.connect(server).callDeadline(deadline).retryBudget(deadline);
  }

  /** Where the address came from, for messages: "from --server", "from VERNIER_SERVER", ... */
  String source() {
    if (command != null
        && command.commandLine() != null
        && command.commandLine().getParseResult() != null
        && command.commandLine().getParseResult().hasMatchedOption("--server")) {
      return "from --server";
    }
    if (System.getenv(ENV) != null) {
      return "from " + ENV;
    }
    return "the default; set --server or " + ENV;
  }
}
