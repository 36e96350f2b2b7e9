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
    boolean tls = false;
    while (t != null && t.getCause() != null && t.getCause() != t) {
      tls |= t instanceof javax.net.ssl.SSLException;
      t = t.getCause();
    }
    tls |= t instanceof javax.net.ssl.SSLException;
    if (tls) {
      return tlsProblem(String.valueOf(t.getMessage()));
    }
    if (t instanceof java.net.UnknownHostException) {
      return "unknown host " + t.getMessage();
    }
    if (t != null && t.getMessage() != null) {
      return t.getMessage();
    }
    return status.getDescription() == null ? status.getCode().name() : status.getDescription();
  }

  /** A failed TLS handshake in words, with what to change; {@code detail} is the JDK's message. */
  static String tlsProblem(String detail) {
    String d = detail.toLowerCase(java.util.Locale.ROOT);
    String what;
    if (d.contains("certification path") || d.contains("pkix")) {
      what =
          "the server's certificate is not signed by a CA this client trusts; give the CA that"
              + " signed it with --tls-ca or "
              + ClientTls.ENV_CA;
    } else if (d.contains("expired") || d.contains("not yet valid")) {
      what = "a certificate is outside its validity period (expired, or this clock is wrong)";
    } else if (d.contains("bad_certificate")
        || d.contains("certificate_required")
        || d.contains("unknown_ca")) {
      what =
          "the server refused this client's certificate: it requires one signed by its client CA"
              + " (--tls-cert and --tls-key, or "
              + ClientTls.ENV_CERT
              + " and "
              + ClientTls.ENV_KEY
              + ")";
    } else if (d.contains("not an ssl/tls record") || d.contains("unrecognized ssl message")) {
      what =
          "the server does not speak TLS; connect without --tls-ca/--tls (and "
              + ClientTls.ENV_CA
              + ")";
    } else if (d.contains("subject alternative") || d.contains("no name matching")) {
      what =
          "the server's certificate does not name the address dialled (its subject alternative"
              + " names)";
    } else {
      what = "the TLS handshake failed";
    }
    return "TLS: " + what + " (" + detail + ")";
  }
}
