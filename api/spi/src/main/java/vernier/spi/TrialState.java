package vernier.spi;

/** The life cycle of a trial: WAITING, then ACTIVE, then one of the finished states. */
public enum TrialState {
  WAITING,
  ACTIVE,
  SUCCEEDED,
  PRUNED,
  FAILED,
  INFEASIBLE,
  ABANDONED;

  public boolean isFinished() {
    return this.ordinal() >= SUCCEEDED.ordinal();
  }
}
