package vernier.server.grpc;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import vernier.server.ApiException;

/** Opaque page tokens: the position to continue from, base64-encoded. */
final class PageTokens {

  private PageTokens() {}

  static String encode(String position) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(position.getBytes(StandardCharsets.UTF_8));
  }

  static String decode(String token) {
    try {
      return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("page_token", "not a token from a previous response");
    }
  }

  static long decodeNumber(String token) {
    if (token.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseLong(decode(token));
    } catch (NumberFormatException e) {
      throw ApiException.invalid("page_token", "not a token from a previous response");
    }
  }

  static int pageSize(int requested, int defaultSize, int max) {
    if (requested < 0) {
      throw ApiException.invalid("page_size", "must be >= 0");
    }
    return requested == 0 ? defaultSize : Math.min(requested, max);
  }
}
