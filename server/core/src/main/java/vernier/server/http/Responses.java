package vernier.server.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** The few ways Vernier's HTTP handlers answer. */
final class Responses {

  private Responses() {}

  /** Sends {@code body} with {@code status} and {@code contentType}; never cached. */
  static boolean send(
      Response response, Callback callback, int status, String contentType, String body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    return true;
  }

  static boolean text(Response response, Callback callback, int status, String body) {
    return send(response, callback, status, "text/plain; charset=utf-8", body);
  }

  /**
   * Answers 405 for anything but GET and HEAD and returns true then; the read-only endpoints call
   * this first.
   */
  static boolean rejectUnlessRead(Request request, Response response, Callback callback) {
    String method = request.getMethod();
    if (HttpMethod.GET.is(method) || HttpMethod.HEAD.is(method)) {
      return false;
    }
    response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
    return text(
        response,
        callback,
        HttpStatus.METHOD_NOT_ALLOWED_405,
        method + " is not allowed on " + request.getHttpURI().getPath() + "; use GET\n");
  }
}
