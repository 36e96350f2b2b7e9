package vernier.server.grpc;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import vernier.server.Protos;
import vernier.server.check.CheckedRestore;
import vernier.server.storage.MeasurementRow;
import vernier.server.storage.StoredStudy;
import vernier.server.storage.StoredTrial;
import vernier.server.storage.StudyData;
import vernier.v1.ExportedStudy;
import vernier.v1.ExportedTrial;
import vernier.v1.Measurement;
import vernier.v1.StudyRecord;
import vernier.v1.Trial;

/**
 * A stored study as {@code ExportStudy} streams it: the study record, then one record per trial
 * with its measurements (one {@link Measurement} per step), lease and ask request id. {@link
 * CheckedRestore} reads it back into the same rows.
 */
final class StudyExport {

  private StudyExport() {}

  /** The records of {@code data}, made one trial at a time as they are sent. */
  static Iterator<StudyRecord> records(StudyData data) {
    StoredStudy s = data.study();
    StudyRecord head =
        StudyRecord.newBuilder()
            .setStudy(
                ExportedStudy.newBuilder()
                    .setFormatVersion(CheckedRestore.FORMAT_VERSION)
                    .setStudyId(s.id())
                    .setSpec(s.spec())
                    .setState(s.state())
                    .setSeed(s.seed())
                    .setCreateTime(Protos.timestamp(s.createTime()))
                    .setNextTrialNumber(s.nextTrialNumber())
                    .setTrialCount(data.trials().size()))
            .build();
    Iterator<StoredTrial> trials = data.trials().iterator();
    Iterator<MeasurementRow> rows = data.measurements().iterator();
    return new Iterator<>() {
      private boolean headSent;
      private MeasurementRow nextRow = rows.hasNext() ? rows.next() : null;

      @Override
      public boolean hasNext() {
        return !headSent || trials.hasNext();
      }

      @Override
      public StudyRecord next() {
        if (!headSent) {
          headSent = true;
          return head;
        }
        StoredTrial t = trials.next();
        long number = t.trial().getNumber();
        Map<Long, Measurement.Builder> steps = new TreeMap<>();
        while (nextRow != null && nextRow.number() <= number) { // rows are in trial order
          if (nextRow.number() == number) {
            steps
                .computeIfAbsent(nextRow.step(), step -> Measurement.newBuilder().setStep(step))
                .putMetrics(nextRow.metric(), nextRow.value());
          }
          nextRow = rows.hasNext() ? rows.next() : null;
        }
        return StudyRecord.newBuilder().setTrial(trial(t, steps)).build();
      }
    };
  }

  private static ExportedTrial trial(StoredTrial t, Map<Long, Measurement.Builder> steps) {
    Trial.Builder trial = t.trial().toBuilder().clearMeasurements();
    steps.values().forEach(trial::addMeasurements);
    ExportedTrial.Builder e = ExportedTrial.newBuilder().setTrial(trial);
    if (t.leaseId() != null) {
      e.setLeaseId(t.leaseId());
    }
    if (t.requestId() != null) {
      e.setAskRequestId(t.requestId());
    }
    if (t.leaseLeft() != null) {
      e.setLeaseLeft(Protos.duration(t.leaseLeft()));
    }
    return e.build();
  }
}
