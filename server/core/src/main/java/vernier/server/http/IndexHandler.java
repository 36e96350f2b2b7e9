package vernier.server.http;

import java.util.Comparator;
import java.util.Set;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code /}: a page linking the other routes (until a dashboard takes the root), and a 404 that
 * names the known paths for everything no route serves.
 */
final class IndexHandler extends Handler.Abstract.NonBlocking {

  private final String page;
  private final String paths;

  private IndexHandler(Set<HttpRoute> routes) {
    StringBuilder html =
        new StringBuilder(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>Vernier</title></head>"
                + "<body><h1>Vernier</h1><ul>");
    StringBuilder list = new StringBuilder();
    routes.stream()
        .filter(r -> !r.description().isEmpty())
        .sorted(Comparator.comparing(HttpRoute::pathSpec))
        .forEach(
            r -> {
              html.append("<li><a href=\".")
                  .append(r.pathSpec())
                  .append("\">")
                  .append(r.pathSpec())
                  .append("</a> — ")
                  .append(r.description())
                  .append("</li>");
              list.append("  ").append(r.pathSpec()).append('\n');
            });
    page = html.append("</ul></body></html>\n").toString();
    paths = list.toString();
  }

  /** The root route; {@code others} are the routes it links (their descriptions are constants). */
  static HttpRoute route(Set<HttpRoute> others) {
    return new HttpRoute("/", "", new IndexHandler(others));
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    if (Responses.rejectUnlessRead(request, response, callback)) {
      return true;
    }
    String path = request.getHttpURI().getDecodedPath();
    if (!path.equals("/")) {
      return Responses.text(
          response,
          callback,
          HttpStatus.NOT_FOUND_404,
          "no such page: " + path + "\nthis server serves:\n" + paths);
    }
    return Responses.send(response, callback, HttpStatus.OK_200, "text/html; charset=utf-8", page);
  }
}
