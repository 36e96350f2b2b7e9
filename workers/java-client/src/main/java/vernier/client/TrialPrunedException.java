package vernier.client;

/**
 * Thrown by training code to stop a trial the server pruned; {@link VernierClient#run} tells it
 * PRUNED.
 */
public final class TrialPrunedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public TrialPrunedException(String message) {
    super(message);
  }
}
