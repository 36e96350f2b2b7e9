package vernier.server.http;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import vernier.server.auth.Role;
import vernier.server.metrics.VernierMetrics;

/**
 * {@code /metrics}: OpenMetrics when the scraper's {@code Accept} prefers it (Prometheus does),
 * otherwise Prometheus text 0.0.4; gzip-compressed by the server when the scraper accepts it.
 */
final class MetricsHandler extends Handler.Abstract {

  static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
  static final String TEXT_004 = "text/plain; version=0.0.4; charset=utf-8";

  private final VernierMetrics metrics;

  private MetricsHandler(VernierMetrics metrics) {
    this.metrics = metrics;
  }

  static HttpRoute route(VernierMetrics metrics) {
    return new HttpRoute(
        "/metrics",
        "Prometheus metrics (OpenMetrics or text 0.0.4)",
        new MetricsHandler(metrics),
        Role.METRICS);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    if (Responses.rejectUnlessRead(request, response, callback)) {
      return true;
    }
    String type = contentType(request.getHeaders().get(HttpHeader.ACCEPT));
    return Responses.send(response, callback, HttpStatus.OK_200, type, metrics.scrape(type));
  }

  /**
   * OpenMetrics if {@code accept} names {@code application/openmetrics-text} with a quality at
   * least that of {@code text/plain} (and above zero); text 0.0.4 otherwise, including no header at
   * all. Written here rather than taken from the Prometheus client's {@code
   * ExpositionFormats.findWriter}, which ignores quality values and would answer a protobuf request
   * with a binary format this text endpoint does not serve.
   */
  static String contentType(String accept) {
    if (accept == null) {
      return TEXT_004;
    }
    double openMetrics = 0;
    double text = 0;
    for (String range : accept.split(",")) {
      String[] parts = range.trim().split(";");
      String media = parts[0].trim().toLowerCase(java.util.Locale.ROOT);
      double q = quality(parts);
      if (media.equals("application/openmetrics-text")) {
        openMetrics = Math.max(openMetrics, q);
      } else if (media.equals("text/plain") || media.equals("text/*") || media.equals("*/*")) {
        text = Math.max(text, q);
      }
    }
    return openMetrics > 0 && openMetrics >= text ? OPENMETRICS : TEXT_004;
  }

  private static double quality(String[] parameters) {
    for (int i = 1; i < parameters.length; i++) {
      String p = parameters[i].trim();
      if (p.startsWith("q=")) {
        try {
          return Double.parseDouble(p.substring(2));
        } catch (NumberFormatException e) {
          return 0;
        }
      }
    }
    return 1;
  }
}
