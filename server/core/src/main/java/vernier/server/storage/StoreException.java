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

  /** A uniqueness guard fired: another writer changed the same study. Reload and retry. */
  public static final class Conflict extends StoreException {
    private static final long serialVersionUID = 1L;

    public Conflict(String message) {
      super(message);
    }
  }
}
