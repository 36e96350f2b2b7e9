package vernier.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Sends {@code authorization: Bearer <token>} with every call to a server that authenticates
 * ({@code --auth-tokens}). The token comes from {@link VernierClient#token}, else from the
 * environment: {@link #ENV} or the file named by {@link #ENV_FILE}.
 */
final class BearerToken implements ClientInterceptor {

  /** The token itself. */
  static final String ENV = "VERNIER_TOKEN";

  /** A file holding the token (kept out of the process list and the shell history). */
  static final String ENV_FILE = "VERNIER_TOKEN_FILE";

  private static final Metadata.Key<String> HEADER =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final Supplier<String> token;

  BearerToken(Supplier<String> token) {
    this.token = token;
  }

  @Override
  public <Q, A> ClientCall<Q, A> interceptCall(
      MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
    return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
      @Override
      public void start(Listener<A> listener, Metadata headers) {
        String t = token.get();
        if (t != null) {
          headers.put(HEADER, "Bearer " + t);
        }
        super.start(listener, headers);
      }
    };
  }

  /** The token the environment gives; null for none. */
  static String fromEnvironment(Map<String, String> env) {
    String token = env.get(ENV);
    if (token != null && !token.isBlank()) {
      return token.trim();
    }
    String file = env.get(ENV_FILE);
    return file == null || file.isBlank() ? null : read(Path.of(file));
  }

  /**
   * The token in {@code file} (its first line).
   *
   * @throws IllegalArgumentException naming the file when it cannot be read or is empty
   */
  static String read(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (text.isEmpty()) {
        throw new IllegalArgumentException("the token file " + file + " is empty");
      }
      return text.lines().findFirst().orElseThrow().strip();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the token file " + file + " (" + e + ")");
    }
  }
}
