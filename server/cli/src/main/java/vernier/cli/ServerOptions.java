package vernier.cli;

import java.time.Duration;
import picocli.CommandLine.Option;
import vernier.client.VernierClient;

/** The server address shared by the client-side commands. */
final class ServerOptions {

  @Option(
      names = {"-s", "--server"},
      defaultValue = "${env:VERNIER_SERVER:-127.0.0.1:7070}",
      description = "Server address host:port (default: ${DEFAULT-VALUE}).")
  String server;

  /** A client whose calls wait for the server at most {@code deadline} (retries included). */
  VernierClient connect(Duration deadline) {
    return VernierClient.connect(server).callDeadline(deadline);
  }
}
