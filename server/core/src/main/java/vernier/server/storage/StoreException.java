package vernier.server.storage;

/** The store could not do what was asked; nothing of the failed transaction was kept. */
public class StoreException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  public StoreException(String message) {
    super(message);
  }

  /**
   * This replica no longer owns the study (another took it over, or its claim expired and was
   * taken): the write was refused by the epoch check and changed nothing.
   */
  public static final class Fenced extends StoreException {
    private static final long serialVersionUID = 1L;
    private final String study;

    public Fenced(String study) {
      super("study " + study + " is owned by another replica now; nothing was written");
      this.study = study;
    }

    public String study() {
      return study;
    }
  }

  /** A uniqueness guard fired: another writer changed the same study. Reload and retry. */
  public static final class Conflict extends StoreException {
    private static final long serialVersionUID = 1L;

    public Conflict(String message) {
      super(message);
    }
  }
}
