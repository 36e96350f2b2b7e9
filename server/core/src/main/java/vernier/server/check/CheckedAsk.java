package vernier.server.check;

import vernier.server.ApiException;
import vernier.v1.AskRequest;

/** An ask whose count and worker id are known to be valid; made by {@link #of}. */
public record CheckedAsk(int count, String workerId, String requestId) {

  /** The most trials one ask may lease. */
  public static final int MAX_COUNT = 100;

  /**
   * Checks an ask before it reaches its study (the study name is checked by whoever routes it).
   *
   * @throws ApiException INVALID_ARGUMENT naming {@code count} or {@code worker_id}
   */
  public static CheckedAsk of(AskRequest request) {
    int count = request.getCount() == 0 ? 1 : request.getCount();
    if (count < 1 || count > MAX_COUNT) {
      throw ApiException.invalid(
          "count", "must be between 1 and " + MAX_COUNT + ", got " + request.getCount());
    }
    if (request.getWorkerId().length() > 256) {
      throw ApiException.invalid("worker_id", "at most 256 characters");
    }
    return new CheckedAsk(count, request.getWorkerId(), request.getRequestId());
  }
}
