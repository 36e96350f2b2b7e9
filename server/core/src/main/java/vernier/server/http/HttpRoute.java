package vernier.server.http;

import org.eclipse.jetty.server.Handler;

/**
 * One path the HTTP server answers, contributed by a feature through Guice's {@code Multibinder}
 * (health, metrics, and later the dashboard and the JSON API), so the server itself knows no route.
 *
 * @param pathSpec a Jetty path spec: {@code /metrics} (exact), {@code /api/*} (prefix), {@code /}
 *     (the default for every path no other route takes)
 * @param description one line for the index page; empty hides the route there
 * @param handler answers the requests
 */
public record HttpRoute(String pathSpec, String description, Handler handler) {}
