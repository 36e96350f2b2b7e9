package vernier.server;

import com.google.inject.Inject;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vernier.server.grpc.StudyServiceImpl;
import vernier.server.grpc.WorkerServiceImpl;
import vernier.server.metrics.HttpEndpoints;
import vernier.server.metrics.MetricsInterceptor;
import vernier.server.metrics.VernierMetrics;
import vernier.server.storage.Store;
import vernier.server.study.StudyExecutor;
import vernier.server.study.StudyRegistry;

/**
 * The server's lifecycle: start the gRPC services (with health and reflection) and the HTTP
 * endpoints; stop them in order ({@code shutdown()}, wait, {@code shutdownNow()}), then the studies
 * and the store.
 */
public final class VernierServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(VernierServer.class);

  private final ServerConfig config;
  private final StudyRegistry studies;
  private final StudyExecutor executor;
  private final Store store;
  private final VernierMetrics metrics;
  private final StudyServiceImpl studyService;
  private final WorkerServiceImpl workerService;
  private final HealthStatusManager health = new HealthStatusManager();
  private Server server;
  private HttpEndpoints http;

  @Inject
  VernierServer(
      ServerConfig config,
      StudyRegistry studies,
      StudyExecutor executor,
      Store store,
      VernierMetrics metrics,
      StudyServiceImpl studyService,
      WorkerServiceImpl workerService) {
    this.config = config;
    this.studies = studies;
    this.executor = executor;
    this.store = store;
    this.metrics = metrics;
    this.studyService = studyService;
    this.workerService = workerService;
  }

  /** Starts on the configured TCP ports. */
  public VernierServer start() {
    // Handlers only enqueue to a study's mailbox (blocking admin calls hop to their own pool), so
    // they run on the transport threads: one thread hand-off less per call.
    return start(
        NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.grpcPort()))
            .directExecutor());
  }

  /** Starts on the in-process transport under {@code name} (for tests); HTTP as configured. */
  public VernierServer startInProcess(String name) {
    return start(InProcessServerBuilder.forName(name).directExecutor());
  }

  private VernierServer start(ServerBuilder<?> builder) {
    studies.start();
    MetricsInterceptor interceptor = new MetricsInterceptor(metrics);
    server =
        builder
            .addService(ServerInterceptors.intercept(studyService, interceptor))
            .addService(ServerInterceptors.intercept(workerService, interceptor))
            .addService(health.getHealthService())
            .addService(ProtoReflectionServiceV1.newInstance())
            .build();
    try {
      server.start();
      if (config.httpPort() >= 0) {
        http = new HttpEndpoints(config.host(), config.httpPort(), metrics);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start server: " + e.getMessage(), e);
    }
    health.setStatus("", io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
    log.info(
        "Vernier serving gRPC on {}:{}{}; store: {}",
        config.host(),
        grpcPort(),
        http == null ? "" : ", metrics on http://" + config.host() + ":" + http.port() + "/metrics",
        store.describe());
    return this;
  }

  public int grpcPort() {
    return server.getPort();
  }

  /** The HTTP port, or -1 when disabled. */
  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  @Override
  public void close() {
    health.enterTerminalState();
    if (server != null) {
      server.shutdown();
      try {
        if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
          server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        server.shutdownNow();
      }
    }
    if (http != null) {
      http.close();
    }
    studies.close();
    executor.close();
    store.close();
    log.info("Vernier stopped");
  }

  /** Wires and returns a server (not started) for {@code config}. */
  public static VernierServer create(ServerConfig config) {
    return com.google.inject.Guice.createInjector(new ServerModule(config))
        .getInstance(VernierServer.class);
  }
}
