package vernier.server.check;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import vernier.server.ApiException;
import vernier.server.Protos;
import vernier.server.ResourceNames;
import vernier.server.storage.MeasurementRow;
import vernier.server.storage.StoredStudy;
import vernier.server.storage.StoredTrial;
import vernier.server.storage.StudyData;
import vernier.spi.ParamValue;
import vernier.spi.StudyDefinition;
import vernier.v1.ExportedStudy;
import vernier.v1.ExportedTrial;
import vernier.v1.Measurement;
import vernier.v1.Study;
import vernier.v1.StudyRecord;
import vernier.v1.Trial;
import vernier.v1.TrialSource;

/**
 * A study to restore ({@code RestoreStudy}: records as {@code ExportStudy} streams them), checked
 * as hostile input before anything is stored: one study record first, the announced number of
 * trials, unique numbers below the study's counter, states and sources the API defines, params in
 * the study's space, lineage pointing at earlier trials, measurements unique per (step, metric),
 * well-formed labels, and a live lease exactly on the running trials. What it yields is what {@link
 * vernier.server.storage.Store#restoreStudy} stores.
 */
public final class CheckedRestore {

  /** The format this server reads ({@code ExportedStudy.format_version}). */
  public static final int FORMAT_VERSION = 1;

  /** Trials in one restore: far above any study seen, far below what would exhaust memory. */
  public static final int MAX_TRIALS = 2_000_000;

  /** Bounds a lease's time left so that it converts to milliseconds without overflow. */
  private static final long MAX_LEASE_LEFT_SECONDS = 100L * 366 * 24 * 3600;

  /** The most problems reported at once: enough to fix a file, not a flood from a broken one. */
  private static final int MAX_REPORTED = 20;

  private CheckedRestore() {}

  /**
   * The study record, checked on its own (its spec is compiled next, before the trials are checked
   * against it).
   *
   * @throws ApiException INVALID_ARGUMENT naming the field, e.g. {@code records[0].study.state}
   */
  public static ExportedStudy study(List<StudyRecord> records) {
    if (records.isEmpty() || !records.get(0).hasStudy()) {
      throw ApiException.invalid(
          "records[0]", "the first record must be the study (an ExportStudy stream's first)");
    }
    ExportedStudy s = records.get(0).getStudy();
    String f = "records[0].study";
    if (s.getFormatVersion() != FORMAT_VERSION) {
      throw ApiException.invalid(
          f + ".format_version",
          s.getFormatVersion() > FORMAT_VERSION
              ? "version "
                  + s.getFormatVersion()
                  + " was written by a newer Vernier; this one reads version "
                  + FORMAT_VERSION
              : "must be " + FORMAT_VERSION + ", got " + s.getFormatVersion());
    }
    ResourceNames.newStudyId(f + ".study_id", s.getStudyId());
    Violations v = new Violations();
    if (s.getState() != Study.State.ACTIVE
        && s.getState() != Study.State.PAUSED
        && s.getState() != Study.State.STOPPED) {
      v.add(f + ".state", "must be ACTIVE, PAUSED or STOPPED");
    }
    if (!s.hasCreateTime()) {
      v.add(f + ".create_time", "is required");
    }
    if (s.getNextTrialNumber() < 0) {
      v.add(f + ".next_trial_number", "must be >= 0");
    }
    long trials = records.size() - 1L;
    if (s.getTrialCount() != trials) {
      v.add(
          f + ".trial_count",
          "announces "
              + s.getTrialCount()
              + " trials but "
              + trials
              + " follow: the export is truncated or was edited");
    }
    v.throwIfAny();
    return s;
  }

  /**
   * Everything to store, with the study's spec compiled to {@code definition}.
   *
   * @throws ApiException INVALID_ARGUMENT naming each bad field (the first {@value #MAX_REPORTED})
   */
  public static StudyData of(List<StudyRecord> records, StudyDefinition definition) {
    ExportedStudy s = study(records);
    Violations v = new Violations();
    Set<Long> numbers = new HashSet<>();
    List<StoredTrial> trials = new ArrayList<>();
    List<MeasurementRow> rows = new ArrayList<>();
    for (int i = 1; i < records.size() && v.count() < MAX_REPORTED; i++) {
      String f = "records[" + i + "]";
      if (!records.get(i).hasTrial()) {
        v.add(f, "must be a trial: only the first record is the study");
        continue;
      }
      ExportedTrial e = records.get(i).getTrial();
      Trial t = e.getTrial();
      f += ".trial.trial";
      if (t.getNumber() < 0 || t.getNumber() >= s.getNextTrialNumber()) {
        v.add(f + ".number", "must be in [0, next_trial_number=" + s.getNextTrialNumber() + ")");
      } else if (!numbers.add(t.getNumber())) {
        v.add(f + ".number", "trial " + t.getNumber() + " is there twice");
      }
      checkTrial(t, definition, f, v);
      checkLease(e, t.getState(), "records[" + i + "].trial", v);
      rows.addAll(measurements(t, f, v));
      trials.add(
          new StoredTrial(
              t.toBuilder()
                  .setName(Protos.trialName(s.getStudyId(), t.getNumber()))
                  .clearMeasurements()
                  .build(),
              e.getLeaseId().isEmpty() ? null : e.getLeaseId(),
              e.getAskRequestId().isEmpty() ? null : e.getAskRequestId(),
              e.hasLeaseLeft() ? Protos.duration(e.getLeaseLeft()) : null));
    }
    v.throwIfAny();
    trials.sort((a, b) -> Long.compare(a.trial().getNumber(), b.trial().getNumber()));
    rows.sort(
        (a, b) ->
            a.number() != b.number()
                ? Long.compare(a.number(), b.number())
                : Long.compare(a.step(), b.step()));
    return new StudyData(
        new StoredStudy(
            s.getStudyId(),
            s.getSpec(),
            s.getState(),
            s.getSeed(),
            Protos.instant(s.getCreateTime()),
            s.getNextTrialNumber()),
        trials,
        rows);
  }

  private static void checkTrial(Trial t, StudyDefinition definition, String f, Violations v) {
    if (t.getState() == Trial.State.STATE_UNSPECIFIED || t.getState() == Trial.State.UNRECOGNIZED) {
      v.add(
          f + ".state",
          "must be one of WAITING, ACTIVE, SUCCEEDED, PRUNED, FAILED," + " INFEASIBLE, ABANDONED");
    }
    if (t.getSource() == TrialSource.UNRECOGNIZED) {
      v.add(f + ".source", "must be SAMPLED, ENQUEUED, IMPORTED or RETRY");
    }
    Map<String, ParamValue> params = new LinkedHashMap<>();
    t.getParamsMap().forEach((name, value) -> params.put(name, Protos.toSpi(value)));
    ParamsCheck.check(definition.space(), params, f + ".params", v);
    if (t.getAttempt() < 0) {
      v.add(f + ".attempt", "must be >= 0");
    }
    if (t.getSource() == TrialSource.RETRY
        && (t.getRetryOf() < 0 || t.getRetryOf() >= t.getNumber())) {
      v.add(f + ".retry_of", "must be the number of an earlier trial");
    }
    if (t.hasStartFrom()
        && (t.getStartFrom().getTrial() < 0
            || t.getStartFrom().getTrial() >= t.getNumber()
            || t.getStartFrom().getStep() < 0)) {
      v.add(f + ".start_from", "must be a step >= 0 of an earlier trial");
    }
    if (t.getLabelsCount() > Labels.MAX_PER_TRIAL) {
      v.add(f + ".labels", "a trial has at most " + Labels.MAX_PER_TRIAL + " labels");
    }
    for (Map.Entry<String, String> l : t.getLabelsMap().entrySet()) {
      String problem = Labels.problem(l.getKey(), l.getValue());
      if (problem != null) {
        v.add(f + ".labels[" + l.getKey() + "]", problem);
      }
    }
    if (t.getValuesMap().containsKey("")) {
      v.add(f + ".values", "metric names are not empty");
    }
  }

  /**
   * A running trial holds a lease (id and time left); a finished one keeps the id of the lease it
   * was told under (a repeated tell is answered again), without time left.
   */
  private static void checkLease(ExportedTrial e, Trial.State state, String f, Violations v) {
    boolean running = state == Trial.State.ACTIVE;
    if (running && (e.getLeaseId().isEmpty() || !e.hasLeaseLeft())) {
      v.add(f + ".lease_id", "an ACTIVE trial holds a lease: lease_id and lease_left are required");
    } else if (!running && e.hasLeaseLeft()) {
      v.add(f + ".lease_left", "only an ACTIVE trial holds a lease");
    }
    if (e.getLeaseId().length() > 64) {
      v.add(f + ".lease_id", "has at most 64 characters");
    }
    if (e.getAskRequestId().length() > 256) {
      v.add(f + ".ask_request_id", "has at most 256 characters");
    }
    if (e.hasLeaseLeft() && Math.abs(e.getLeaseLeft().getSeconds()) > MAX_LEASE_LEFT_SECONDS) {
      v.add(f + ".lease_left", "must be within 100 years");
    }
  }

  private static List<MeasurementRow> measurements(Trial t, String f, Violations v) {
    List<MeasurementRow> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < t.getMeasurementsCount(); i++) {
      Measurement m = t.getMeasurements(i);
      if (m.getStep() < 0) {
        v.add(f + ".measurements[" + i + "].step", "must be >= 0");
      }
      for (Map.Entry<String, Double> metric : m.getMetricsMap().entrySet()) {
        if (metric.getKey().isEmpty()) {
          v.add(f + ".measurements[" + i + "].metrics", "metric names are not empty");
        } else if (!seen.add(m.getStep() + "/" + metric.getKey())) {
          v.add(
              f + ".measurements[" + i + "].metrics[" + metric.getKey() + "]",
              "step " + m.getStep() + " of this metric is there twice");
        } else {
          out.add(
              new MeasurementRow(t.getNumber(), m.getStep(), metric.getKey(), metric.getValue()));
        }
      }
    }
    return out;
  }
}
