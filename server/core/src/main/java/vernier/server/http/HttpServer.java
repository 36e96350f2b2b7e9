package vernier.server.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.eclipse.jetty.server.handler.gzip.GzipHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import vernier.server.PortInUseException;
import vernier.server.auth.Authenticator;

/**
 * The server's HTTP side on embedded Jetty 12: many concurrent connections on a small thread pool
 * (an idle connection holds no thread), an idle timeout that closes connections which never finish
 * a request, gzip for clients that ask for it. The routes come from the features ({@link
 * HttpRoute}).
 */
public final class HttpServer implements AutoCloseable {

  /** A connection that sends nothing for this long is closed. */
  static final long IDLE_TIMEOUT_MS = 30_000;

  private final Server jetty;
  private final ServerConnector connector;

  /** Binds {@code host:port} (0 picks a free port) and starts serving {@code routes}. */
  public HttpServer(String host, int port, Set<HttpRoute> routes) {
    this(host, port, routes, null, false, null);
  }

  /**
   * As {@link #HttpServer(String, int, Set)}, over TLS with {@code tls} (HTTPS only), or plaintext
   * when null; {@code clientCertificates}: refuse clients without a certificate {@code tls} trusts;
   * {@code authenticator}: each route's {@link HttpRoute#needs} asks for a bearer token of that
   * role (null: no authentication).
   */
  public HttpServer(
      String host,
      int port,
      Set<HttpRoute> routes,
      SSLContext tls,
      boolean clientCertificates,
      Authenticator authenticator) {
    QueuedThreadPool threads = new QueuedThreadPool(64, 2);
    threads.setName("vernier-http");
    threads.setDaemon(true);
    jetty = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    if (tls == null) {
      connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
    } else {
      http.addCustomizer(new SecureRequestCustomizer(false)); // SNI: clients dial by IP too
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setSslContext(tls);
      ssl.setNeedClientAuth(clientCertificates);
      connector =
          new ServerConnector(
              jetty,
              new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
              new HttpConnectionFactory(http));
    }
    connector.setHost(host);
    connector.setPort(port);
    connector.setIdleTimeout(IDLE_TIMEOUT_MS);
    jetty.addConnector(connector);
    PathMappingsHandler paths = new PathMappingsHandler();
    List<HttpRoute> all = new ArrayList<>(routes);
    if (routes.stream().noneMatch(r -> r.pathSpec().equals("/"))) {
      all.add(IndexHandler.route(routes));
    }
    for (HttpRoute route : all) {
      paths.addMapping(
          PathSpec.from(route.pathSpec()),
          authenticator == null || route.needs() == null
              ? route.handler()
              : new BearerAuth(authenticator, route.needs(), route.handler()));
    }
    GzipHandler gzip = new GzipHandler(paths);
    gzip.setMinGzipSize(256);
    jetty.setHandler(gzip);
    jetty.setStopTimeout(2_000);
    start(host, port);
  }

  private void start(String host, int port) {
    try {
      jetty.start();
    } catch (Exception e) {
      stopQuietly();
      throw PortInUseException.listenFailure("HTTP", host, port, "--http-port", e);
    }
  }

  /** The bound port (useful when started on port 0). */
  public int port() {
    return connector.getLocalPort();
  }

  @Override
  public void close() {
    stopQuietly();
  }

  private void stopQuietly() {
    try {
      jetty.stop();
    } catch (Exception e) {
      // stopping is best effort: the process is going away or the start already failed
    }
  }
}
