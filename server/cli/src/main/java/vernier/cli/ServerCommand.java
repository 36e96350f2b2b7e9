package vernier.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import vernier.server.ServerConfig;
import vernier.server.VernierServer;

/** {@code vernier server}: runs the server until SIGTERM or Ctrl-C. */
@Command(name = "server", mixinStandardHelpOptions = true, description = "Run the Vernier server.")
final class ServerCommand implements Callable<Integer> {

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "7070",
      description = "gRPC port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--metrics-port",
      defaultValue = "9090",
      description = "HTTP port for /metrics and /healthz; -1 disables (default: ${DEFAULT-VALUE}).")
  int metricsPort;

  @Option(
      names = "--db",
      defaultValue = "vernier.db",
      description =
          "SQLite database file, or :memory: for a store that is not durable (default:"
              + " ${DEFAULT-VALUE}).")
  String database;

  @Option(
      names = "--plugins-dir",
      defaultValue = "${env:VERNIER_PLUGINS_DIR:-plugins}",
      description = "Directory of plugin jars (default: ${DEFAULT-VALUE}).")
  Path pluginsDir;

  @Override
  public Integer call() throws InterruptedException {
    VernierServer server =
        VernierServer.create(new ServerConfig(host, port, metricsPort, database, pluginsDir))
            .start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "vernier-shutdown"));
    server.awaitTermination();
    return 0;
  }
}
