package vernier.server.storage;

import com.google.protobuf.InvalidProtocolBufferException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import vernier.v1.Study;
import vernier.v1.StudySpec;
import vernier.v1.Trial;

/**
 * The SQL of the {@link Store} rules, shared by the database stores: the same tables (see each
 * store's version 1 migration) and statements on SQLite and PostgreSQL. What differs between them
 * is in {@link Dialect}.
 */
final class StoreSql {

  /** What the two databases do differently. */
  enum Dialect {
    /** SQLite stores NaN as NULL; a uniqueness guard names itself in the message. */
    SQLITE("CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)") {
      @Override
      boolean isUniquenessViolation(Exception e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("UNIQUE") || message.contains("PRIMARY KEY");
      }
    },
    /** PostgreSQL stores NaN itself; a uniqueness guard is SQLSTATE 23505. */
    POSTGRESQL("CAST(EXTRACT(EPOCH FROM now()) * 1000 AS BIGINT)") {
      @Override
      boolean isUniquenessViolation(Exception e) {
        return e instanceof SQLException sql && "23505".equals(sql.getSQLState());
      }
    };

    /** The database's clock in milliseconds since the epoch, as an SQL expression. */
    final String nowMillis;

    Dialect(String nowMillis) {
      this.nowMillis = nowMillis;
    }

    abstract boolean isUniquenessViolation(Exception e);
  }

  private static final String STUDY_COLUMNS =
      "SELECT id, spec, state, seed, create_time_ms, next_trial_number FROM studies";

  private final Dialect dialect;

  StoreSql(Dialect dialect) {
    this.dialect = dialect;
  }

  /** A failed transaction's exception as the store's: a uniqueness guard is a conflict. */
  StoreException translate(Exception e, String database) {
    if (e instanceof StoreException se) {
      return se;
    }
    if (dialect.isUniquenessViolation(e)) {
      return new StoreException.Conflict(String.valueOf(e.getMessage()));
    }
    return new StoreException(database + " write failed: " + e.getMessage(), e);
  }

  /** Inserts the study unless its id is taken; true when inserted. */
  boolean createStudy(GroupCommit.Session s, StoredStudy study) throws SQLException {
    PreparedStatement p =
        s.prepared(
            "INSERT INTO studies (id, spec, state, seed, create_time_ms, next_trial_number)"
                + " VALUES (?,?,?,?,?,?) ON CONFLICT (id) DO NOTHING");
    p.setString(1, study.id());
    p.setBytes(2, study.spec().toByteArray());
    p.setInt(3, study.state().getNumber());
    p.setLong(4, study.seed());
    p.setLong(5, study.createTime().toEpochMilli());
    p.setLong(6, study.nextTrialNumber());
    return p.executeUpdate() == 1;
  }

  /**
   * Inserts a whole study (its counter as it was, its trials and measurements) unless its id is
   * taken; true when inserted.
   */
  boolean restoreStudy(GroupCommit.Session s, StudyData data) throws SQLException {
    if (!createStudy(s, data.study())) {
      return false;
    }
    String id = data.study().id();
    for (StoredTrial t : data.trials()) {
      insertTrialRow(s, id, t.trial(), t.leaseId(), t.requestId(), t.leaseLeft());
    }
    List<MeasurementRow> rows = data.measurements();
    for (int i = 0; i < rows.size(); i += MEASUREMENTS_PER_BATCH) {
      addMeasurements(s, id, rows.subList(i, Math.min(rows.size(), i + MEASUREMENTS_PER_BATCH)));
    }
    return true;
  }

  /** Rows per JDBC batch: bounds the driver's buffers on a study with millions of measurements. */
  private static final int MEASUREMENTS_PER_BATCH = 1000;

  List<StoredStudy> listStudies(Connection c) throws SQLException {
    List<StoredStudy> out = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement(STUDY_COLUMNS + " ORDER BY id");
        ResultSet rs = p.executeQuery()) {
      while (rs.next()) {
        out.add(study(rs));
      }
    }
    return out;
  }

  /**
   * The study, its trials and measurements; run it inside one transaction, so the three reads see
   * one snapshot.
   */
  Optional<StudyData> loadStudy(Connection c, String id)
      throws SQLException, InvalidProtocolBufferException {
    StoredStudy study;
    try (PreparedStatement p = c.prepareStatement(STUDY_COLUMNS + " WHERE id = ?")) {
      p.setString(1, id);
      try (ResultSet rs = p.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        study = study(rs);
      }
    }
    return Optional.of(new StudyData(study, trials(c, id), measurements(c, id)));
  }

  private static StoredStudy study(ResultSet rs) throws SQLException {
    try {
      return new StoredStudy(
          rs.getString(1),
          StudySpec.parseFrom(rs.getBytes(2)),
          Study.State.forNumber(rs.getInt(3)),
          rs.getLong(4),
          Instant.ofEpochMilli(rs.getLong(5)),
          rs.getLong(6));
    } catch (InvalidProtocolBufferException e) {
      throw new StoreException("corrupt spec of study " + rs.getString(1), e);
    }
  }

  private List<StoredTrial> trials(Connection c, String id)
      throws SQLException, InvalidProtocolBufferException {
    List<StoredTrial> out = new ArrayList<>();
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT data, lease_id, request_id, lease_expires_ms - "
                + dialect.nowMillis
                + " FROM trials WHERE study_id = ? ORDER BY number")) {
      p.setString(1, id);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          long leftMillis = rs.getLong(4);
          Duration leaseLeft = rs.wasNull() ? null : Duration.ofMillis(leftMillis);
          out.add(
              new StoredTrial(
                  Trial.parseFrom(rs.getBytes(1)), rs.getString(2), rs.getString(3), leaseLeft));
        }
      }
    }
    return out;
  }

  private static List<MeasurementRow> measurements(Connection c, String id) throws SQLException {
    List<MeasurementRow> out = new ArrayList<>();
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT number, step, metric, value FROM measurements WHERE study_id = ? ORDER BY"
                + " number, step, metric")) {
      p.setString(1, id);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          double v = rs.getDouble(4);
          if (rs.wasNull()) {
            v = Double.NaN; // SQLite stores NaN as NULL
          }
          out.add(new MeasurementRow(rs.getLong(1), rs.getLong(2), rs.getString(3), v));
        }
      }
    }
    return out;
  }

  void apply(GroupCommit.Session s, Write w) throws SQLException {
    if (w instanceof Write.InsertTrial insert) {
      insertTrial(s, insert);
    } else if (w instanceof Write.UpdateTrial update) {
      updateTrial(s, update);
    } else if (w instanceof Write.AddMeasurements add) {
      addMeasurements(s, add.study(), add.rows());
    } else if (w instanceof Write.RenewLease renew) {
      PreparedStatement p =
          s.prepared(
              "UPDATE trials SET lease_expires_ms = "
                  + dialect.nowMillis
                  + " + ? WHERE study_id = ? AND number = ?");
      p.setLong(1, renew.leaseLeft().toMillis());
      p.setString(2, renew.study());
      p.setLong(3, renew.number());
      if (p.executeUpdate() != 1) {
        throw new StoreException(
            "trial " + renew.number() + " of " + renew.study() + " does not exist");
      }
    } else if (w instanceof Write.DeleteStudy delete) {
      PreparedStatement p = s.prepared("DELETE FROM studies WHERE id = ?");
      p.setString(1, delete.study());
      if (p.executeUpdate() != 1) {
        throw new StoreException("study " + delete.study() + " does not exist");
      }
    } else if (w instanceof Write.SetStudyState set) {
      PreparedStatement p = s.prepared("UPDATE studies SET state = ? WHERE id = ?");
      p.setInt(1, set.state().getNumber());
      p.setString(2, set.study());
      if (p.executeUpdate() != 1) {
        throw new StoreException("study " + set.study() + " does not exist");
      }
    }
  }

  /**
   * Takes the next number from the study's counter in this transaction; it must be the one
   * expected. The conditional update is the guard: no lock is taken before it, and a second writer
   * with the same number finds the counter moved on.
   */
  private void insertTrial(GroupCommit.Session s, Write.InsertTrial insert) throws SQLException {
    long number = insert.trial().getNumber();
    PreparedStatement counter =
        s.prepared(
            "UPDATE studies SET next_trial_number = next_trial_number + 1 WHERE id = ? AND"
                + " next_trial_number = ?");
    counter.setString(1, insert.study());
    counter.setLong(2, number);
    if (counter.executeUpdate() != 1) {
      throw new StoreException.Conflict(
          "trial number " + number + " of " + insert.study() + " is taken");
    }
    insertTrialRow(
        s,
        insert.study(),
        insert.trial(),
        insert.leaseId(),
        insert.requestId(),
        insert.leaseLeft());
  }

  private void insertTrialRow(
      GroupCommit.Session s,
      String study,
      Trial trial,
      String leaseId,
      String requestId,
      Duration leaseLeft)
      throws SQLException {
    PreparedStatement p =
        s.prepared(
            "INSERT INTO trials (study_id, number, state, data, lease_id, request_id,"
                + " lease_expires_ms) VALUES (?,?,?,?,?,?,"
                + dialect.nowMillis
                + " + ?)");
    p.setString(1, study);
    p.setLong(2, trial.getNumber());
    p.setInt(3, trial.getStateValue());
    p.setBytes(4, trial.toByteArray());
    p.setString(5, leaseId);
    p.setString(6, requestId);
    setMillis(p, 7, leaseLeft);
    p.executeUpdate();
  }

  private void updateTrial(GroupCommit.Session s, Write.UpdateTrial update) throws SQLException {
    PreparedStatement p =
        s.prepared(
            "UPDATE trials SET state = ?, data = ?, lease_id = ?, request_id = ?, lease_expires_ms"
                + " = "
                + dialect.nowMillis
                + " + ? WHERE study_id = ? AND number = ?");
    p.setInt(1, update.trial().getStateValue());
    p.setBytes(2, update.trial().toByteArray());
    p.setString(3, update.leaseId());
    p.setString(4, update.requestId());
    setMillis(p, 5, update.leaseLeft());
    p.setString(6, update.study());
    p.setLong(7, update.trial().getNumber());
    if (p.executeUpdate() != 1) {
      throw new StoreException("trial " + update.trial().getName() + " does not exist");
    }
  }

  /** A lease's time left in milliseconds; NULL (no lease) makes the stored expiry NULL. */
  private static void setMillis(PreparedStatement p, int index, Duration d) throws SQLException {
    if (d == null) {
      p.setNull(index, Types.BIGINT);
    } else {
      p.setLong(index, d.toMillis());
    }
  }

  private void addMeasurements(GroupCommit.Session s, String study, List<MeasurementRow> rows)
      throws SQLException {
    PreparedStatement p =
        s.prepared(
            "INSERT INTO measurements (study_id, number, step, metric, value) VALUES (?,?,?,?,?)");
    for (MeasurementRow r : rows) {
      p.setString(1, study);
      p.setLong(2, r.number());
      p.setLong(3, r.step());
      p.setString(4, r.metric());
      if (Double.isNaN(r.value()) && dialect == Dialect.SQLITE) {
        p.setNull(5, Types.REAL);
      } else {
        p.setDouble(5, r.value());
      }
      p.addBatch();
    }
    p.executeBatch();
  }
}
