package vernier.server.study;

import java.util.concurrent.atomic.AtomicIntegerArray;
import vernier.spi.TrialState;

/**
 * Figures of one study that other threads read (metrics gauges, the reaper), published by the
 * coordinator after each batch.
 */
public final class StudyStats {

  private final AtomicIntegerArray trialsByState =
      new AtomicIntegerArray(TrialState.values().length);
  volatile int activeWorkers;
  volatile double bestValue = Double.NaN;
  volatile long nextLeaseExpiryMillis = Long.MAX_VALUE;

  public int trials(TrialState state) {
    return trialsByState.get(state.ordinal());
  }

  void setTrials(TrialState state, int count) {
    trialsByState.set(state.ordinal(), count);
  }

  /** Distinct worker ids holding a lease. */
  public int activeWorkers() {
    return activeWorkers;
  }

  /** The first objective's best feasible value, NaN before any. */
  public double bestValue() {
    return bestValue;
  }
}
