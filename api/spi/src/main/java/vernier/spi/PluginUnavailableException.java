package vernier.spi;

/**
 * A plugin cannot answer now for a reason outside the study, e.g. a remote sampler's process is
 * down or too slow. The server answers the call that needed the plugin with UNAVAILABLE (workers
 * retry) and keeps the plugin and the study as they are; any other exception from a plugin is
 * treated as a bug (INTERNAL, and the study's plugins are made afresh).
 */
public class PluginUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public PluginUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
