package vernier.server.spec;

import java.time.Duration;
import vernier.server.Protos;
import vernier.v1.Limits;

/** A study's limits with defaults applied; 0 means unlimited for the counts. */
public record StudyLimits(
    int maxTrials, int maxParallel, int maxFailed, Duration leaseDuration, int maxAttempts) {

  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(60);

  public static StudyLimits of(Limits limits) {
    Duration lease =
        limits.hasLeaseDuration() ? Protos.duration(limits.getLeaseDuration()) : DEFAULT_LEASE;
    return new StudyLimits(
        limits.getMaxTrials(),
        limits.getMaxParallel(),
        limits.getMaxFailed(),
        lease,
        Math.max(1, limits.getMaxAttempts()));
  }
}
