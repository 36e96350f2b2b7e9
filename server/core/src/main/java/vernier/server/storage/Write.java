package vernier.server.storage;

import java.time.Duration;
import java.util.List;
import vernier.v1.Study;
import vernier.v1.Trial;

/**
 * One change in a durable transaction. A batch of writes commits atomically.
 *
 * <p>A lease is written as the time it has left ({@code leaseLeft}, {@code null} for none), which
 * the store turns into an expiry in its own clock at commit: replicas never compare wall clocks.
 */
public sealed interface Write {

  String study();

  /**
   * Adds a trial. Its number is allocated in the transaction from the study's counter; when the
   * counter is not {@code trial.getNumber()} (another writer got there first) the transaction fails
   * with {@link StoreException.Conflict}, so the database, not a lock, guards numbering.
   */
  record InsertTrial(
      String study, Trial trial, String leaseId, String requestId, Duration leaseLeft)
      implements Write {

    public InsertTrial(String study, Trial trial, String leaseId, String requestId) {
      this(study, trial, leaseId, requestId, null);
    }
  }

  /** Replaces a trial's state, data, lease and ask request id. */
  record UpdateTrial(
      String study, Trial trial, String leaseId, String requestId, Duration leaseLeft)
      implements Write {

    public UpdateTrial(String study, Trial trial, String leaseId, String requestId) {
      this(study, trial, leaseId, requestId, null);
    }
  }

  /** Moves the stored expiry of trial {@code number}'s lease: it has {@code leaseLeft} from now. */
  record RenewLease(String study, long number, Duration leaseLeft) implements Write {}

  /** Adds measurements; a (trial, step, metric) already stored fails the transaction. */
  record AddMeasurements(String study, List<MeasurementRow> rows) implements Write {}

  record SetStudyState(String study, Study.State state) implements Write {}

  /**
   * Removes the study with its trials and measurements, in the same transaction as the writes
   * before it, so a delete and the batch around it commit or fail together. The last write of its
   * study in a transaction.
   */
  record DeleteStudy(String study) implements Write {}
}
