package vernier.server.study;

import java.time.Duration;
import java.time.Instant;
import vernier.server.storage.StoredTrial;

/**
 * When a running trial's lease expiry is written to the store, and what a reloaded study (after a
 * restart, a failover to another replica, or an eviction) makes of the stored one.
 *
 * <p>Every report renews a lease in memory; writing each renewal would add a row update to every
 * report. The store is written only when its expiry lags the live one by more than a quarter of the
 * lease duration, so it always holds an expiry at most a quarter lease early. A reload adds that
 * quarter back (no live worker loses its lease; a dead worker's trial is abandoned at most a
 * quarter lease late) and grants at least {@link #RECONNECT_GRACE}, for workers that kept retrying
 * while no replica served the study.
 *
 * <p>Expiries cross the store as time left, turned into an instant by the store's own clock (the
 * database's {@code now()}), so replicas never compare wall clocks.
 */
final class StoredLeases {

  /** Twice the longest retry backoff of the SDKs (5 s): every retrying worker gets a try in. */
  static final Duration RECONNECT_GRACE = Duration.ofSeconds(10);

  private StoredLeases() {}

  /** The time left to store with {@code t}'s row, noted as stored; null when it holds no lease. */
  static Duration toStore(TrialRecord t, Instant now) {
    if (t.leaseExpiry() == null) {
      return null;
    }
    t.leaseStored();
    return Duration.between(now, t.leaseExpiry());
  }

  /** Whether the stored expiry lags the live one by more than a quarter of {@code lease}. */
  static boolean lagging(TrialRecord t, Duration lease) {
    Instant stored = t.storedLeaseExpiry();
    return t.leaseExpiry() != null
        && (stored == null
            || Duration.between(stored, t.leaseExpiry()).compareTo(slack(lease)) > 0);
  }

  /** Gives a reloaded running trial its lease back, from what the store held at {@code now}. */
  static void restore(TrialRecord t, StoredTrial stored, Duration lease, Instant now) {
    Duration left = stored.leaseLeft();
    if (left == null) { // stored before lease expiries were: a full lease, as then
      t.restoreLease(now.plus(lease), null);
      return;
    }
    Duration granted = max(left.plus(slack(lease)), min(lease, RECONNECT_GRACE));
    t.restoreLease(now.plus(granted), now.plus(left));
  }

  private static Duration slack(Duration lease) {
    return lease.dividedBy(4);
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
