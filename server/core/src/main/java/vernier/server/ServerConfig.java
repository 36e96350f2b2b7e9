package vernier.server;

import java.nio.file.Path;
import vernier.server.tls.ServerTls;

/**
 * How a server runs: where it listens, where it stores, where it finds plugin jars.
 *
 * @param host address to bind the gRPC and HTTP ports to
 * @param grpcPort gRPC port; 0 picks a free one
 * @param httpPort HTTP port (/metrics, /healthz, /readyz); 0 picks a free one, -1 disables it
 * @param database SQLite file path, a PostgreSQL URL ({@code postgresql://user@host:port/db}), or
 *     {@code :memory:} for a store that is not durable
 * @param pluginsDir directory of plugin jars (may be absent)
 * @param databasePasswordFile a file holding the PostgreSQL password; null: {@code PGPASSWORD},
 *     else {@code ~/.pgpass}
 * @param advertiseAddress host:port where other replicas reach this one's gRPC; null: the bind
 *     address (this host's address when bound to all) and the gRPC port
 * @param ownershipTtl how long a replica's claim on a study lives without renewal (PostgreSQL);
 *     null: {@code PostgresStore.DEFAULT_OWNERSHIP_TTL}
 * @param tls TLS on both ports and between replicas; null: plaintext
 * @param authTokens the tokens file ({@code --auth-tokens}): every call needs a token of it; null:
 *     no authentication
 */
public record ServerConfig(
    String host,
    int grpcPort,
    int httpPort,
    String database,
    Path pluginsDir,
    Path databasePasswordFile,
    String advertiseAddress,
    java.time.Duration ownershipTtl,
    ServerTls.Settings tls,
    Path authTokens) {

  public ServerConfig(
      String host,
      int grpcPort,
      int httpPort,
      String database,
      Path pluginsDir,
      Path databasePasswordFile,
      String advertiseAddress,
      java.time.Duration ownershipTtl,
      ServerTls.Settings tls) {
    this(
        host,
        grpcPort,
        httpPort,
        database,
        pluginsDir,
        databasePasswordFile,
        advertiseAddress,
        ownershipTtl,
        tls,
        null);
  }

  public ServerConfig(
      String host,
      int grpcPort,
      int httpPort,
      String database,
      Path pluginsDir,
      Path databasePasswordFile,
      String advertiseAddress,
      java.time.Duration ownershipTtl) {
    this(
        host,
        grpcPort,
        httpPort,
        database,
        pluginsDir,
        databasePasswordFile,
        advertiseAddress,
        ownershipTtl,
        null);
  }

  public ServerConfig(String host, int grpcPort, int httpPort, String database, Path pluginsDir) {
    this(host, grpcPort, httpPort, database, pluginsDir, null);
  }

  public ServerConfig(
      String host,
      int grpcPort,
      int httpPort,
      String database,
      Path pluginsDir,
      Path databasePasswordFile) {
    this(host, grpcPort, httpPort, database, pluginsDir, databasePasswordFile, null, null);
  }

  public static final String MEMORY = vernier.server.storage.Stores.MEMORY;
  public static final int DEFAULT_GRPC_PORT = 7070;

  /** Not Prometheus's own 9090, so both run on one machine with their defaults. */
  public static final int DEFAULT_HTTP_PORT = 7071;

  public static ServerConfig inMemory() {
    return new ServerConfig("127.0.0.1", 0, -1, MEMORY, null);
  }
}
