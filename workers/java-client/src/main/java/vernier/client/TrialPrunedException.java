package vernier.client;

/**
 * Thrown by training code, deep inside a {@link TrialFunction}, to leave a trial once {@link
 * ActiveTrial#shouldStop()} is true; {@link VernierClient#run} tells it PRUNED (Python's {@code
 * vc.TrialPruned} in a {@code with trial:} block).
 */
public final class TrialPrunedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public TrialPrunedException(String message) {
    super(message);
  }
}
