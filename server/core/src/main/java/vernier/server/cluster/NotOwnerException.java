package vernier.server.cluster;

/**
 * A request reached a replica that does not own its study: the gRPC services forward it to {@link
 * #owner()} (one hop) instead of answering.
 */
public final class NotOwnerException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String study;
  private final String owner;

  public NotOwnerException(String study, String owner) {
    super("study " + study + " is served by the replica at " + owner, null, false, false);
    this.study = study;
    this.owner = owner;
  }

  public String study() {
    return study;
  }

  /** The owner's gRPC address, host:port. */
  public String owner() {
    return owner;
  }
}
