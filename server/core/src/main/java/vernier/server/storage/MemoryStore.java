package vernier.server.storage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A store in memory, with the same transactional rules as the database stores: for tests and
 * throw-away studies. Nothing survives the process.
 */
public final class MemoryStore implements Store {

  private final Map<String, StudyTables> studies = new HashMap<>();
  private boolean closed;

  private static final class StudyTables {
    StoredStudy study;

    /** By number; a lease is held as its expiry ({@link #expiry}) in {@code leaseLeft}. */
    final TreeMap<Long, StoredTrial> trials = new TreeMap<>();

    final TreeMap<String, MeasurementRow> measurements = new TreeMap<>();

    StudyTables(StoredStudy study) {
      this.study = study;
    }

    StudyTables copy() {
      StudyTables c = new StudyTables(study);
      c.trials.putAll(trials);
      c.measurements.putAll(measurements);
      return c;
    }
  }

  @Override
  public synchronized boolean createStudy(StoredStudy study) {
    requireOpen();
    return studies.putIfAbsent(study.id(), new StudyTables(study)) == null;
  }

  @Override
  public synchronized boolean restoreStudy(StudyData data) {
    requireOpen();
    StudyTables t = new StudyTables(data.study());
    for (StoredTrial st : data.trials()) {
      t.trials.put(
          st.trial().getNumber(),
          new StoredTrial(st.trial(), st.leaseId(), st.requestId(), expiry(st.leaseLeft())));
    }
    for (MeasurementRow r : data.measurements()) {
      if (t.measurements.putIfAbsent(key(r), r) != null) {
        throw new StoreException.Conflict("measurement " + key(r) + " is there twice");
      }
    }
    return studies.putIfAbsent(data.study().id(), t) == null;
  }

  @Override
  public synchronized List<StoredStudy> listStudies() {
    return studies.values().stream()
        .map(t -> t.study)
        .sorted(Comparator.comparing(StoredStudy::id))
        .toList();
  }

  @Override
  public synchronized Optional<StudyData> loadStudy(String id) {
    StudyTables t = studies.get(id);
    if (t == null) {
      return Optional.empty();
    }
    List<MeasurementRow> rows = new ArrayList<>(t.measurements.values());
    rows.sort(
        Comparator.comparingLong(MeasurementRow::number).thenComparingLong(MeasurementRow::step));
    List<StoredTrial> trials = t.trials.values().stream().map(MemoryStore::withLeaseLeft).toList();
    return Optional.of(new StudyData(t.study, trials, rows));
  }

  @Override
  public synchronized void write(List<Write> writes) {
    requireOpen();
    // Apply to copies and swap them in at the end: all or nothing, like a transaction.
    Map<String, StudyTables> touched = new HashMap<>();
    List<String> deleted = new ArrayList<>();
    for (Write w : writes) {
      StudyTables t =
          touched.computeIfAbsent(
              w.study(),
              id -> {
                StudyTables existing = studies.get(id);
                if (existing == null) {
                  throw new StoreException("study " + id + " does not exist");
                }
                return existing.copy();
              });
      if (w instanceof Write.DeleteStudy) {
        deleted.add(w.study());
      } else {
        apply(t, w);
      }
    }
    studies.putAll(touched);
    deleted.forEach(studies::remove);
  }

  private static void apply(StudyTables t, Write w) {
    if (w instanceof Write.InsertTrial insert) {
      long number = insert.trial().getNumber();
      if (number != t.study.nextTrialNumber() || t.trials.containsKey(number)) {
        throw new StoreException.Conflict(
            "trial number " + number + " of " + w.study() + " is taken");
      }
      t.study = withNextNumber(t.study, number + 1);
      t.trials.put(
          number,
          new StoredTrial(
              insert.trial(), insert.leaseId(), insert.requestId(), expiry(insert.leaseLeft())));
    } else if (w instanceof Write.UpdateTrial update) {
      StoredTrial old = t.trials.get(update.trial().getNumber());
      if (old == null) {
        throw new StoreException("trial " + update.trial().getNumber() + " does not exist");
      }
      t.trials.put(
          update.trial().getNumber(),
          new StoredTrial(
              update.trial(), update.leaseId(), update.requestId(), expiry(update.leaseLeft())));
    } else if (w instanceof Write.RenewLease renew) {
      StoredTrial old = t.trials.get(renew.number());
      if (old == null) {
        throw new StoreException("trial " + renew.number() + " does not exist");
      }
      t.trials.put(
          renew.number(),
          new StoredTrial(old.trial(), old.leaseId(), old.requestId(), expiry(renew.leaseLeft())));
    } else if (w instanceof Write.AddMeasurements add) {
      for (MeasurementRow r : add.rows()) {
        if (t.measurements.putIfAbsent(key(r), r) != null) {
          throw new StoreException.Conflict("measurement " + key(r) + " exists");
        }
      }
    } else if (w instanceof Write.SetStudyState set) {
      StoredStudy s = t.study;
      t.study =
          new StoredStudy(
              s.id(), s.spec(), set.state(), s.seed(), s.createTime(), s.nextTrialNumber());
    }
  }

  /**
   * Leases are kept as an expiry on this store's clock ({@link System#nanoTime}, in a Duration
   * since its origin) and handed back as the time left, as the database stores do.
   */
  private static Duration expiry(Duration leaseLeft) {
    return leaseLeft == null ? null : leaseLeft.plusNanos(System.nanoTime());
  }

  private static StoredTrial withLeaseLeft(StoredTrial t) {
    return t.leaseLeft() == null
        ? t
        : new StoredTrial(
            t.trial(), t.leaseId(), t.requestId(), t.leaseLeft().minusNanos(System.nanoTime()));
  }

  private static String key(MeasurementRow r) {
    return r.number() + "/" + r.step() + "/" + r.metric();
  }

  private static StoredStudy withNextNumber(StoredStudy s, long next) {
    return new StoredStudy(s.id(), s.spec(), s.state(), s.seed(), s.createTime(), next);
  }

  @Override
  public String describe() {
    return "in-memory store (not durable)";
  }

  @Override
  public synchronized void probe() {
    requireOpen();
  }

  private void requireOpen() {
    if (closed) {
      throw new StoreException("store is closed");
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
  }
}
