package vernier.spi;

/**
 * Decides from reported per-step values whether a running trial should stop early. One instance
 * serves one study and is called from that study's single thread.
 */
public interface Pruner {

  /** Whether {@code trial}, which has just reported {@code step}, should be pruned. */
  boolean shouldPrune(StudyView study, TrialView trial, long step);
}
