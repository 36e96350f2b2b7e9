package vernier.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import vernier.server.ServerConfig;
import vernier.server.VernierServer;
import vernier.server.tls.ServerTls;

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
      names = "--http-port",
      defaultValue = "7071",
      description =
          "HTTP port for /metrics, /healthz and /readyz; 0 picks a free one, -1 turns HTTP off"
              + " (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(
      names = "--metrics-port",
      hidden = true,
      description = "Deprecated name of --http-port (the port moved from 9090 to 7071).")
  Integer deprecatedMetricsPort;

  @Spec CommandSpec spec;

  @Option(
      names = "--db",
      defaultValue = "vernier.db",
      description =
          "Where studies are stored: a SQLite file; a PostgreSQL URL"
              + " (postgresql://user@host:5432/dbname[?sslmode=verify-full&sslrootcert=FILE], the"
              + " password from --db-password-file, PGPASSWORD or ~/.pgpass, never in the URL); or"
              + " :memory: for a store that is not durable (default: ${DEFAULT-VALUE}).")
  String database;

  @Option(
      names = "--db-password-file",
      paramLabel = "FILE",
      description =
          "File whose first line is the PostgreSQL password (default: the PGPASSWORD environment"
              + " variable, else ~/.pgpass).")
  Path databasePasswordFile;

  @Option(
      names = "--advertise-address",
      paramLabel = "HOST:PORT",
      description =
          "Where the other replicas on the same PostgreSQL database reach this one's gRPC port, to"
              + " forward the calls of the studies it owns (default: --host and --port; this"
              + " host's address when --host is 0.0.0.0).")
  String advertiseAddress;

  @Option(
      names = "--ownership-ttl",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "With PostgreSQL: how long this replica's claim on a study lives unless renewed; when a"
              + " replica dies, the others take its studies over after this long (default: 5s;"
              + " e.g. 3s, 10s, 500ms).")
  java.time.Duration ownershipTtl;

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      description =
          "Serve gRPC and HTTP over TLS with this certificate chain (PEM, leaf first); re-read when"
              + " the file changes. Needs --tls-key.")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      description = "The private key of --tls-cert (unencrypted PKCS#8 PEM); re-read on change.")
  Path tlsKey;

  @Option(
      names = "--tls-client-ca",
      paramLabel = "FILE",
      description =
          "Mutual TLS: accept only clients with a certificate signed by this CA (PEM), on both"
              + " ports.")
  Path tlsClientCa;

  @Option(
      names = "--tls-peer-ca",
      paramLabel = "FILE",
      description =
          "The CA of the other replicas' certificates, for forwarding calls to them (default:"
              + " --tls-client-ca, else the system's trusted CAs).")
  Path tlsPeerCa;

  @Option(
      names = "--tls-reload",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How often the TLS files are checked for changes (default: 1m).")
  java.time.Duration tlsReload;

  @Option(
      names = "--auth-tokens",
      paramLabel = "FILE",
      description =
          "Require a bearer token from this file on every call (roles viewer, worker, admin,"
              + " metrics; optional study-id prefixes); re-read when it changes. Make tokens with"
              + " vernier auth token create. /healthz and /readyz stay open.")
  Path authTokens;

  @Option(
      names = "--plugins-dir",
      defaultValue = "${env:VERNIER_PLUGINS_DIR}",
      description =
          "Directory of plugin jars (default: VERNIER_PLUGINS_DIR, else plugins/ in the"
              + " installation). Jars there run with the server's rights: the server refuses a"
              + " directory or jar other users may write, and logs each jar's SHA-256.")
  Path pluginsDir;

  private Path pluginsDir() {
    return pluginsDir != null ? pluginsDir : defaultPluginsDir();
  }

  /** The installation's plugins/ (the launchers set vernier.home), else ./plugins. */
  static Path defaultPluginsDir() {
    return Path.of(System.getProperty("vernier.home", ".")).resolve("plugins");
  }

  /** The TLS flags, checked for what they need of each other; null without TLS. */
  private ServerTls.Settings tls() {
    if (tlsCert == null && tlsKey == null) {
      for (String needsTls : List.of("--tls-client-ca", "--tls-peer-ca", "--tls-reload")) {
        if (spec.commandLine().getParseResult().hasMatchedOption(needsTls)) {
          throw new ParameterException(
              spec.commandLine(), needsTls + " needs --tls-cert and --tls-key");
        }
      }
      return null;
    }
    if (tlsCert == null || tlsKey == null) {
      throw new ParameterException(
          spec.commandLine(),
          (tlsCert == null ? "--tls-key needs --tls-cert" : "--tls-cert needs --tls-key")
              + " (the certificate and its private key)");
    }
    return new ServerTls.Settings(tlsCert, tlsKey, tlsClientCa, tlsPeerCa, tlsReload);
  }

  @Override
  public Integer call() throws InterruptedException {
    if (deprecatedMetricsPort != null) {
      spec.commandLine()
          .getErr()
          .println(
              "vernier server: --metrics-port is deprecated; use --http-port "
                  + deprecatedMetricsPort);
      if (!spec.commandLine().getParseResult().hasMatchedOption("--http-port")) {
        httpPort = deprecatedMetricsPort;
      }
    }
    VernierServer server =
        VernierServer.create(
                new ServerConfig(
                    host,
                    port,
                    httpPort,
                    database,
                    pluginsDir(),
                    databasePasswordFile,
                    advertiseAddress,
                    ownershipTtl,
                    tls(),
                    authTokens))
            .start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "vernier-shutdown"));
    server.awaitTermination();
    return 0;
  }
}
