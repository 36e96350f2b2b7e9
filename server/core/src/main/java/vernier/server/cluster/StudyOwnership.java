package vernier.server.cluster;

import java.util.function.Consumer;

/**
 * Which replica serves a study. With one server per database every study is this server's ({@link
 * #SOLE}); with several replicas on one PostgreSQL database a study is owned by exactly one replica
 * at a time through a row with an epoch and an expiry (the PostgreSQL store's {@code
 * PostgresOwnership}), and the others forward its requests to the owner.
 */
public interface StudyOwnership {

  /** The answer to a claim. */
  sealed interface Claim {}

  /** This replica owns the study (now, or already). */
  record Owned(long epoch) implements Claim {}

  /** Another live replica owns the study; it serves at {@code address} (host:port of its gRPC). */
  record Elsewhere(String address) implements Claim {}

  /** No such study. */
  record Missing() implements Claim {}

  /**
   * Claims {@code studyId} for this replica unless another replica's claim is still alive; an
   * expired claim is taken over with the next epoch.
   */
  Claim claim(String studyId);

  /**
   * Where this replica serves gRPC (host:port): other replicas forward its studies' calls there.
   */
  default void advertise(String address) {}

  /** Whether every study is this replica's: then studies are loaded at start, none forwarded. */
  boolean sole();

  /** Calls {@code listener} with the id of each study this replica stopped owning. */
  void onLost(Consumer<String> listener);

  /** Every study is this server's: SQLite, or one server on a database. */
  StudyOwnership SOLE =
      new StudyOwnership() {
        @Override
        public Claim claim(String studyId) {
          return new Owned(0);
        }

        @Override
        public boolean sole() {
          return true;
        }

        @Override
        public void onLost(Consumer<String> listener) {}
      };
}
