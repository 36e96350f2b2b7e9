package vernier.server.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/** The HTTP side of the server: {@code /metrics} for Prometheus and {@code /healthz}. */
public final class HttpEndpoints implements AutoCloseable {

  private final HttpServer server;

  public HttpEndpoints(String host, int port, VernierMetrics metrics) throws IOException {
    server = HttpServer.create(new InetSocketAddress(host, port), 0);
    server.createContext(
        "/metrics",
        exchange ->
            send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
    server.createContext("/healthz", exchange -> send(exchange, 200, "text/plain", "ok\n"));
    server.setExecutor(
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "vernier-http");
              t.setDaemon(true);
              return t;
            }));
    server.start();
  }

  /** The bound port (useful when started on port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
