package vernier.client;

/**
 * The server no longer accepts this worker for the trial: its lease expired (the trial was
 * abandoned, perhaps retried elsewhere) or belongs to someone else. Stop working on the trial.
 */
public final class LeaseLostException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public LeaseLostException(String message, Throwable cause) {
    super(message, cause);
  }
}
