package vernier.server.http;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import vernier.server.ApiException;
import vernier.server.auth.Authenticator;
import vernier.server.auth.Principal;
import vernier.server.auth.Role;

/**
 * A route behind a bearer token ({@code Authorization: Bearer <token>}, as on gRPC): 401 with a
 * {@code WWW-Authenticate} challenge without a known token, 403 when its role is not enough.
 */
final class BearerAuth extends Handler.Wrapper {

  private final Authenticator authenticator;
  private final Role needs;

  BearerAuth(Authenticator authenticator, Role needs, Handler handler) {
    super(handler);
    this.authenticator = authenticator;
    this.needs = needs;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    Principal caller;
    try {
      caller = authenticator.authenticate(request.getHeaders().get(HttpHeader.AUTHORIZATION));
    } catch (ApiException e) {
      response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"vernier\"");
      return Responses.text(response, callback, HttpStatus.UNAUTHORIZED_401, e.getMessage() + "\n");
    }
    if (!caller.role().allows(needs)) {
      return Responses.text(
          response,
          callback,
          HttpStatus.FORBIDDEN_403,
          caller.describe()
              + " may not read "
              + request.getHttpURI().getPath()
              + ": it needs the "
              + needs.label()
              + " role\n");
    }
    return super.handle(request, response, callback);
  }
}
