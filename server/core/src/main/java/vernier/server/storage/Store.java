package vernier.server.storage;

import java.util.List;
import java.util.Optional;
import vernier.server.cluster.StudyOwnership;

/**
 * Durable state. Every method returns only once its change is durable (a write that returned
 * survives {@code kill -9}). Implementations are thread-safe; {@link #write} calls from many
 * studies may be committed together (group commit).
 */
public interface Store extends AutoCloseable {

  /** Stores a new study; false when the id is taken (nothing is changed then). */
  boolean createStudy(StoredStudy study);

  /**
   * Stores a whole study as it was elsewhere (a restore, a copy between stores): its row with its
   * trial counter, its trials and measurements, in one transaction, so no one ever loads part of
   * it. False when the id is taken (nothing is changed then).
   */
  boolean restoreStudy(StudyData study);

  List<StoredStudy> listStudies();

  /** The study with all its trials and measurements, or empty when unknown. */
  Optional<StudyData> loadStudy(String id);

  /**
   * Applies {@code writes} in one transaction, atomically. Writes only studies this server owns
   * (claimed through {@link #ownership}, or created here): a shared store refuses the others with
   * {@link StoreException.Fenced}.
   */
  void write(List<Write> writes);

  /**
   * {@link #write}, by the coordinator that claimed the study at {@code epoch} ({@link
   * #ownership}): a shared store refuses it ({@link StoreException.Fenced}) once the study has been
   * claimed again since, by another replica or by a newer coordinator of this one.
   */
  default void write(List<Write> writes, long epoch) {
    write(writes);
  }

  /**
   * Commits a write that changes no data and returns once it is durable, as any write would; throws
   * {@link StoreException} when the store cannot commit (readiness probes this).
   */
  void probe();

  /**
   * Which replica serves each study: every study is this server's ({@link StudyOwnership#SOLE})
   * unless the store is shared by replicas.
   */
  default StudyOwnership ownership() {
    return StudyOwnership.SOLE;
  }

  /** A short description for logs, e.g. the database file. */
  String describe();

  @Override
  void close();

  /** Told the duration and size of each commit, for metrics. */
  @FunctionalInterface
  interface CommitListener {
    void committed(long nanos, int writes);

    CommitListener NONE = (nanos, writes) -> {};
  }
}
