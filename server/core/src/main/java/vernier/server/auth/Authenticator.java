package vernier.server.auth;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vernier.server.ApiException;
import vernier.server.FileWatch;

/**
 * Turns an {@code authorization: Bearer <token>} header into the caller, from the tokens file
 * (re-read when it changes: a token added or revoked takes effect within seconds, no restart).
 */
public final class Authenticator implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Authenticator.class);

  /** How often the tokens file is checked for changes. */
  static final Duration RELOAD = Duration.ofSeconds(2);

  private static final String BEARER = "Bearer ";

  private volatile Map<String, Principal> byHash;
  private final FileWatch watch;

  /**
   * Reads {@code file}.
   *
   * @throws IllegalArgumentException naming the entry and field that are wrong
   */
  public Authenticator(Path file) {
    this.byHash = TokenFile.read(file);
    this.watch = new FileWatch("--auth-tokens", RELOAD, () -> byHash = TokenFile.read(file), file);
    log.info("authentication on: {} tokens in {}", byHash.size(), file);
  }

  /**
   * The caller of a request with this {@code authorization} header value.
   *
   * @throws ApiException UNAUTHENTICATED when it is missing, malformed or unknown
   */
  public Principal authenticate(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      throw ApiException.unauthenticated(
          "no token: this server requires 'authorization: Bearer <token>' (the CLI's --token-file"
              + " or VERNIER_TOKEN)");
    }
    if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      throw ApiException.unauthenticated("the authorization header must be 'Bearer <token>'");
    }
    Principal p = byHash.get(TokenFile.hash(authorization.substring(BEARER.length()).trim()));
    if (p == null) {
      throw ApiException.unauthenticated("unknown token (revoked, or never issued here)");
    }
    return p;
  }

  @Override
  public void close() {
    watch.close();
  }
}
