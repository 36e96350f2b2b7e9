package vernier.server;

/**
 * A port the server should listen on is taken. The message names the address, what it was for and
 * the flag that changes it, because "Address already in use" alone leaves a user guessing.
 */
public final class PortInUseException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  public PortInUseException(String what, String host, int port, String flag, Throwable cause) {
    super(
        what
            + " port "
            + port
            + " on "
            + host
            + " is already in use (another Vernier server?); stop that process or choose another"
            + " port with "
            + flag,
        cause);
  }

  /**
   * Why listening on {@code host:port} failed: a {@code PortInUseException} when the port is taken,
   * else an {@link IllegalStateException} naming the address and the cause.
   */
  public static IllegalStateException listenFailure(
      String what, String host, int port, String flag, Exception e) {
    if (e instanceof java.net.BindException || e.getCause() instanceof java.net.BindException) {
      return new PortInUseException(what, host, port, flag, e);
    }
    return new IllegalStateException(
        "cannot serve " + what + " on " + host + ":" + port + ": " + e.getMessage(), e);
  }
}
