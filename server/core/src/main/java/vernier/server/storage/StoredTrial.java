package vernier.server.storage;

import java.time.Duration;
import vernier.v1.Trial;

/**
 * A trial row: the trial (without measurements, which are rows of their own), the id of the lease
 * it was handed out with, the ask request id that created the lease, and how long that lease has
 * left by the store's clock ({@code null} when the trial holds no lease or was stored before
 * expiries were; negative once it has run out).
 */
public record StoredTrial(Trial trial, String leaseId, String requestId, Duration leaseLeft) {

  public StoredTrial(Trial trial, String leaseId, String requestId) {
    this(trial, leaseId, requestId, null);
  }
}
