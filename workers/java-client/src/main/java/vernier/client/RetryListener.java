package vernier.client;

import io.grpc.Status;
import java.time.Duration;

/**
 * Told while a call waits for an unavailable server, so a worker can say what it is waiting for
 * instead of going quiet: at the first retry after a second, then about every five seconds.
 */
@FunctionalInterface
public interface RetryListener {

  /**
   * @param target the server address the client connects to
   * @param waited how long the call has been trying
   * @param cause why the last attempt failed, e.g. "Connection refused"
   */
  void waiting(String target, Duration waited, String cause);

  /**
   * Names the cause of an UNAVAILABLE status: its root exception's message, else its description.
   */
  static String cause(Status status) {
    Throwable t = status.getCause();
    while (t != null && t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    if (t instanceof java.net.UnknownHostException) {
      return "unknown host " + t.getMessage();
    }
    if (t != null && t.getMessage() != null) {
      return t.getMessage();
    }
    return status.getDescription() == null ? status.getCode().name() : status.getDescription();
  }
}
