package vernier.server.http;

import java.util.List;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import vernier.server.health.Readiness;

/**
 * {@code /healthz} (liveness) and {@code /readyz} (readiness) as Kubernetes' own components answer
 * them: 200 {@code ok} or 503 listing the failed checks; {@code ?verbose} lists every check as
 * {@code [+]name ok} or {@code [-]name failed: reason}.
 */
final class HealthHandler extends Handler.Abstract.NonBlocking {

  private final Readiness readiness;
  private final boolean readinessEndpoint;

  private HealthHandler(Readiness readiness, boolean readinessEndpoint) {
    this.readiness = readiness;
    this.readinessEndpoint = readinessEndpoint;
  }

  static HttpRoute liveness(Readiness readiness) {
    return new HttpRoute(
        "/healthz",
        "liveness: ok until the server stops",
        new HealthHandler(readiness, false),
        null); // probes carry no token
  }

  static HttpRoute readiness(Readiness readiness) {
    return new HttpRoute(
        "/readyz",
        "readiness: ok once started, while not draining and while the store commits",
        new HealthHandler(readiness, true),
        null);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    if (Responses.rejectUnlessRead(request, response, callback)) {
      return true;
    }
    List<Readiness.Check> checks =
        readinessEndpoint
            ? readiness.readinessChecks()
            : List.of(new Readiness.Check("process", readiness.live() ? null : "stopped"));
    boolean ok = checks.stream().allMatch(Readiness.Check::ok);
    boolean verbose = Request.extractQueryParameters(request).get("verbose") != null;
    if (ok && !verbose) {
      return Responses.text(response, callback, HttpStatus.OK_200, "ok\n");
    }
    StringBuilder body = new StringBuilder();
    for (Readiness.Check check : checks) {
      body.append(
              check.ok()
                  ? "[+]" + check.name() + " ok"
                  : "[-]" + check.name() + " failed: " + check.problem())
          .append('\n');
    }
    body.append(readinessEndpoint ? "readyz" : "healthz")
        .append(ok ? " check passed\n" : " check failed\n");
    return Responses.text(
        response,
        callback,
        ok ? HttpStatus.OK_200 : HttpStatus.SERVICE_UNAVAILABLE_503,
        body.toString());
  }
}
