package vernier.cli;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The real server as a child process ({@code vernier server}), with the test's class path. */
final class ServerProcess implements AutoCloseable {

  final int port;
  final int httpPort;
  private final Process process;
  private final Path log;

  private ServerProcess(Process process, int port, int httpPort, Path log) {
    this.process = process;
    this.port = port;
    this.httpPort = httpPort;
    this.log = log;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * Starts {@code vernier server} on {@code port} with the SQLite file {@code db}; waits until
   * SERVING.
   */
  static ServerProcess start(Path db, int port, String... extraArgs) throws Exception {
    return start(db.toString(), db.getParent(), Map.of(), port, extraArgs);
  }

  /**
   * Starts {@code vernier server} on {@code port} with {@code --db store}, its log in {@code
   * logDir} and {@code env} added to its environment; waits until SERVING.
   */
  static ServerProcess start(
      String store, Path logDir, Map<String, String> env, int port, String... extraArgs)
      throws Exception {
    return start(store, logDir, env, null, port, extraArgs);
  }

  /**
   * As {@link #start(String, Path, Map, int, String...)}, probing readiness with {@code probe}
   * credentials (a server started with {@code --tls-*} flags); null: plaintext.
   */
  static ServerProcess start(
      String store,
      Path logDir,
      Map<String, String> env,
      io.grpc.ChannelCredentials probe,
      int port,
      String... extraArgs)
      throws Exception {
    int httpPort = freePort();
    Path log = Files.createTempFile(logDir, "server-", ".log");
    List<String> command =
        ChildJvm.vernier(
            "server",
            "--port",
            Integer.toString(port),
            "--http-port",
            Integer.toString(httpPort),
            "--db",
            store);
    command.addAll(List.of(extraArgs));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    Process p = builder.start();
    ServerProcess server = new ServerProcess(p, port, httpPort, log);
    server.awaitServing(probe);
    return server;
  }

  String target() {
    return "127.0.0.1:" + port;
  }

  private void awaitServing(io.grpc.ChannelCredentials probe) throws Exception {
    ManagedChannel channel =
        probe == null
            ? NettyChannelBuilder.forTarget(target()).usePlaintext().build()
            : NettyChannelBuilder.forTarget(target(), probe).build();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "server exited " + process.exitValue() + ":\n" + output());
        }
        try {
          HealthCheckResponse r =
              HealthGrpc.newBlockingStub(channel)
                  .withDeadlineAfter(1, TimeUnit.SECONDS)
                  .check(HealthCheckRequest.getDefaultInstance());
          if (r.getStatus() == HealthCheckResponse.ServingStatus.SERVING) {
            return;
          }
        } catch (StatusRuntimeException notYet) {
          Thread.sleep(100);
        }
      }
      throw new IllegalStateException("server not serving after 60s:\n" + output());
    } finally {
      channel.shutdownNow();
    }
  }

  String output() throws IOException {
    return Files.readString(log);
  }

  /** Sends a signal ({@code STOP}, {@code CONT}) to the server process. */
  void signal(String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -" + name + " failed");
    }
  }

  /** SIGKILL: no shutdown hook, no flush; only what was durable survives. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    process.destroy(); // SIGTERM: the shutdown hook stops the server cleanly
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
