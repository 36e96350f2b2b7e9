package vernier.server.http;

import org.eclipse.jetty.server.Handler;
import vernier.server.auth.Role;

/**
 * One path the HTTP server answers, contributed by a feature through Guice's {@code Multibinder}
 * (health, metrics, and later the dashboard and the JSON API), so the server itself knows no route.
 *
 * @param pathSpec a Jetty path spec: {@code /metrics} (exact), {@code /api/*} (prefix), {@code /}
 *     (the default for every path no other route takes)
 * @param description one line for the index page; empty hides the route there
 * @param handler answers the requests
 * @param needs the role a caller's token needs when the server authenticates ({@code
 *     --auth-tokens}); null: open to all (the health probes)
 */
public record HttpRoute(String pathSpec, String description, Handler handler, Role needs) {

  /** A route for viewers and up. */
  public HttpRoute(String pathSpec, String description, Handler handler) {
    this(pathSpec, description, handler, Role.VIEWER);
  }
}
