package vernier.server;

import com.google.inject.Inject;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vernier.server.auth.AuthInterceptor;
import vernier.server.auth.Authenticator;
import vernier.server.grpc.Forwarding;
import vernier.server.grpc.StudyServiceImpl;
import vernier.server.grpc.UnreadableRequests;
import vernier.server.grpc.WorkerServiceImpl;
import vernier.server.health.Readiness;
import vernier.server.http.HttpRoute;
import vernier.server.http.HttpServer;
import vernier.server.metrics.MetricsInterceptor;
import vernier.server.metrics.VernierMetrics;
import vernier.server.storage.Store;
import vernier.server.study.StudyExecutor;
import vernier.server.study.StudyRegistry;
import vernier.server.tls.ServerTls;

/**
 * The server's lifecycle. Start: the HTTP side first (so {@code /readyz} can say "starting"), the
 * store probe, the studies, then gRPC (with health and reflection v1 and v1alpha); only then ready.
 * Stop: not ready (draining), gRPC {@code shutdown()}, wait, {@code shutdownNow()}, then the
 * studies, the store and last the HTTP side.
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
  private final Readiness readiness;
  private final Set<HttpRoute> httpRoutes;
  private final Forwarding forwarding;
  private Server server;
  private final Optional<ServerTls> tls;
  private final Optional<Authenticator> authenticator;
  private HttpServer http;

  @Inject
  VernierServer(
      ServerConfig config,
      StudyRegistry studies,
      StudyExecutor executor,
      Store store,
      VernierMetrics metrics,
      StudyServiceImpl studyService,
      WorkerServiceImpl workerService,
      Readiness readiness,
      Set<HttpRoute> httpRoutes,
      Forwarding forwarding,
      Optional<ServerTls> tls,
      Optional<Authenticator> authenticator) {
    this.tls = tls;
    this.authenticator = authenticator;
    this.config = config;
    this.studies = studies;
    this.executor = executor;
    this.store = store;
    this.metrics = metrics;
    this.studyService = studyService;
    this.workerService = workerService;
    this.readiness = readiness;
    this.httpRoutes = httpRoutes;
    this.forwarding = forwarding;
  }

  /** Starts on the configured TCP ports. */
  public VernierServer start() {
    // Handlers only enqueue to a study's mailbox (blocking admin calls hop to their own pool), so
    // they run on the transport threads: one thread hand-off less per call.
    InetSocketAddress address = new InetSocketAddress(config.host(), config.grpcPort());
    return start(
        tls.map(t -> NettyServerBuilder.forAddress(address, t.grpc()))
            .orElseGet(() -> NettyServerBuilder.forAddress(address))
            .directExecutor());
  }

  /** Starts on the in-process transport under {@code name} (for tests); HTTP as configured. */
  public VernierServer startInProcess(String name) {
    return start(InProcessServerBuilder.forName(name).directExecutor());
  }

  private VernierServer start(ServerBuilder<?> builder) {
    try {
      if (config.httpPort() >= 0) {
        http =
            new HttpServer(
                config.host(),
                config.httpPort(),
                httpRoutes,
                tls.map(ServerTls::http).orElse(null),
                tls.map(ServerTls::mutual).orElse(false),
                authenticator.orElse(null));
      }
      readiness.startProbing();
      studies.start();
      server = grpcServer(builder).start();
      store.ownership().advertise(advertiseAddress());
    } catch (IOException e) {
      close();
      throw PortInUseException.listenFailure("gRPC", config.host(), config.grpcPort(), "--port", e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    readiness.serving();
    warnIfExposed();
    log.info(
        "Vernier serving gRPC{} on {}:{}{}; store: {}",
        tls.isPresent() ? " over TLS" : "",
        config.host(),
        grpcPort(),
        http == null
            ? ""
            : ", HTTP on "
                + (tls.isPresent() ? "https" : "http")
                + "://"
                + config.host()
                + ":"
                + http.port()
                + "/",
        store.describe());
    return this;
  }

  /**
   * Bound beyond this machine without TLS, or without a way to tell callers apart (tokens or client
   * certificates): say what that means, once, at start.
   */
  private void warnIfExposed() {
    InetSocketAddress bound = new InetSocketAddress(config.host(), 0);
    if (bound.getAddress() == null || bound.getAddress().isLoopbackAddress()) {
      return;
    }
    boolean callersKnown = authenticator.isPresent() || tls.map(ServerTls::mutual).orElse(false);
    if (tls.isEmpty() || !callersKnown) {
      log.warn(
          "serving on {} {}: anyone who can reach port {} can read, change and delete every"
              + " study{}; use {} (docs/security.md), or keep --host 127.0.0.1",
          config.host(),
          tls.isEmpty() ? "without TLS" : "without --auth-tokens or --tls-client-ca",
          grpcPort(),
          tls.isEmpty() ? ", and read the traffic" : "",
          tls.isEmpty() ? "--tls-cert and --tls-key with --auth-tokens" : "--auth-tokens");
    }
  }

  @SuppressWarnings("deprecation") // reflection v1alpha: older grpcurl, grpcui, Postman and Evans
  private Server grpcServer(ServerBuilder<?> builder) {
    // run in this order: forwarded marker, metrics (so refusals are counted too), the parsing of
    // the request, authorization (it reads the study the request names), the service
    List<ServerInterceptor> outer =
        List.of(new MetricsInterceptor(metrics), forwarding.interceptor());
    List<ServerInterceptor> parsed =
        authenticator
            .<List<ServerInterceptor>>map(a -> List.of(new AuthInterceptor(a)))
            .orElse(List.of());
    return builder
        .addService(
            ServerInterceptors.intercept(UnreadableRequests.guard(studyService, parsed), outer))
        .addService(
            ServerInterceptors.intercept(UnreadableRequests.guard(workerService, parsed), outer))
        .addService(UnreadableRequests.guard(readiness.grpcHealthService()))
        .addService(ProtoReflectionServiceV1.newInstance())
        .addService(ProtoReflectionService.newInstance())
        .build();
  }

  /**
   * Where other replicas reach this one: {@code --advertise-address}, else the bind address (this
   * host's address when bound to every interface) and the gRPC port.
   */
  private String advertiseAddress() {
    if (config.advertiseAddress() != null) {
      return config.advertiseAddress();
    }
    String host = config.host();
    if (host.equals("0.0.0.0") || host.equals("::") || host.isEmpty()) {
      try {
        host = java.net.InetAddress.getLocalHost().getHostAddress();
      } catch (java.net.UnknownHostException e) {
        host = "127.0.0.1";
      }
    }
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + grpcPort();
  }

  public int grpcPort() {
    return server.getPort();
  }

  /** The store, described for logs: "SQLite /path", "PostgreSQL postgresql://…". */
  public String storeDescription() {
    return store.describe();
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
    if (readiness.phase() == Readiness.Phase.STOPPED) {
      return;
    }
    readiness.draining();
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
    studies.close();
    executor.close();
    forwarding.close();
    store.close();
    readiness.stopped();
    if (http != null) {
      http.close();
    }
    tls.ifPresent(ServerTls::close);
    authenticator.ifPresent(Authenticator::close);
    log.info("Vernier stopped");
  }

  /** Wires and returns a server (not started) for {@code config}. */
  public static VernierServer create(ServerConfig config) {
    try {
      return com.google.inject.Guice.createInjector(new ServerModule(config))
          .getInstance(VernierServer.class);
    } catch (com.google.inject.ProvisionException e) {
      // a store or plugin that cannot be made says why itself (a file in use, a newer schema);
      // Guice's wrapping would bury that one line under its own report
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }
}
