package vernier.server.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vernier.server.cluster.StudyOwnership;

/**
 * Study ownership among replicas on one PostgreSQL database: a row per study in {@code
 * study_owners} (owner, address, epoch, expiry). A replica claims a study on first use unless
 * another replica's row is still alive; an expired row is taken over with the next epoch. The owner
 * renews its rows every third of the time to live; a study whose row it could not renew, or whose
 * write was fenced, is lost ({@link #onLost}) and the replica stops serving it.
 *
 * <p>Fencing: every transaction that writes a study's data first runs {@link #fence}, an update of
 * the study's row guarded by this replica's id and epoch. It takes the row's lock, so it and a
 * takeover are serialised by the database: either the write commits first and the new owner loads
 * it, or the takeover commits first and the write finds the epoch moved on and fails, changing
 * nothing. A paused or partitioned ex-owner can therefore never write. Expiries are the database's
 * clock ({@code now()}), never a replica's.
 */
final class PostgresOwnership implements StudyOwnership, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PostgresOwnership.class);

  private final DataSource pool;
  private final String self = UUID.randomUUID().toString();
  private final long ttlMillis;
  private volatile String address; // null until the gRPC server listens
  private final Map<String, Long> held = new ConcurrentHashMap<>();
  private final Map<String, KnownOwner> elsewhere = new ConcurrentHashMap<>();

  /** How long a live claim of another replica is taken as known without asking again. */
  static final long REMEMBER_OWNER_MS = 1_000;

  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService renewer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "vernier-ownership-renewer");
            t.setDaemon(true);
            return t;
          });
  private volatile long lastRenewalNanos = System.nanoTime();

  PostgresOwnership(DataSource pool, Duration ttl) {
    this.pool = pool;
    this.ttlMillis = ttl.toMillis();
    long every = Math.max(50, ttlMillis / 3);
    renewer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
  }

  @Override
  public void advertise(String address) {
    this.address = address;
  }

  @Override
  public boolean sole() {
    return false;
  }

  @Override
  public void onLost(Consumer<String> listener) {
    listeners.add(listener);
  }

  /** How long a claim waits for the ownership row's lock before answering "elsewhere". */
  private static final long CLAIM_LOCK_WAIT_MILLIS = 1_000;

  /** SQLSTATE lock_not_available: the claim's lock_timeout ran out. */
  private static final String LOCK_NOT_AVAILABLE = "55P03";

  @Override
  public Claim claim(String studyId) {
    if (address == null) {
      throw new StoreException(
          "this replica is starting: it cannot serve study " + studyId + " yet");
    }
    KnownOwner known = elsewhere.get(studyId);
    if (known != null && System.nanoTime() < known.untilNanos()) {
      return new Elsewhere(known.address());
    }
    try (Connection c = pool.getConnection()) {
      // a plain read first: a live owner elsewhere is the common answer, and it takes no lock
      ClaimRow before = claimRow(c, studyId);
      if (before != null && !before.owner().equals(self) && before.remainingMillis() > 0) {
        return elsewhere(studyId, before.address(), before.remainingMillis());
      }
      Long epoch;
      try {
        epoch = takeRow(c, studyId);
      } catch (SQLException e) {
        if (!LOCK_NOT_AVAILABLE.equals(e.getSQLState()) || before == null) {
          throw e;
        }
        // its owner (paused, or cut off mid-transaction) still holds the row: not ours yet
        return new Elsewhere(before.address());
      }
      if (epoch != null) {
        held.put(studyId, epoch);
        elsewhere.remove(studyId);
        log.info("owning study {} (epoch {})", studyId, epoch);
        return new Owned(epoch);
      }
      ClaimRow after = claimRow(c, studyId);
      return after == null
          ? new Missing()
          : elsewhere(studyId, after.address(), after.remainingMillis()); // it won the race
    } catch (SQLException e) {
      throw new StoreException("cannot claim study " + studyId + ": " + e.getMessage(), e);
    }
  }

  /**
   * Makes the study's row this replica's at the next epoch, when it has none, has expired or is
   * already ours; the new epoch, or null when another replica's claim is alive. The row lock may be
   * held by a paused ex-owner's open write transaction: it is waited for a little only (PostgreSQL
   * ends that transaction after idle_in_transaction_session_timeout), then this throws with
   * SQLSTATE {@value #LOCK_NOT_AVAILABLE}.
   */
  private Long takeRow(Connection c, String studyId) throws SQLException {
    c.setAutoCommit(false);
    try (Statement st = c.createStatement();
        PreparedStatement p =
            c.prepareStatement(
                "INSERT INTO study_owners (study_id, owner, address, epoch, expires_at)"
                    + " SELECT ?, ?, ?, 1, now() + ? * interval '1 millisecond'"
                    + " WHERE EXISTS (SELECT 1 FROM studies WHERE id = ?)"
                    + " ON CONFLICT (study_id) DO UPDATE SET owner = EXCLUDED.owner,"
                    + " address = EXCLUDED.address, epoch = study_owners.epoch + 1,"
                    + " expires_at = EXCLUDED.expires_at WHERE study_owners.expires_at < now()"
                    + " OR study_owners.owner = ?"
                    + " RETURNING epoch")) {
      st.execute("SET LOCAL lock_timeout = " + CLAIM_LOCK_WAIT_MILLIS);
      p.setString(1, studyId);
      p.setString(2, self);
      p.setString(3, address);
      p.setLong(4, ttlMillis);
      p.setString(5, studyId);
      p.setString(6, self); // a new coordinator of ours: a new epoch fences the old one
      Long epoch = null;
      try (ResultSet rs = p.executeQuery()) {
        if (rs.next()) {
          epoch = rs.getLong(1);
        }
      }
      c.commit();
      return epoch;
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  /** A study's ownership row as committed now, without a lock; null when it has none. */
  private static ClaimRow claimRow(Connection c, String studyId) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT owner, address, (EXTRACT(EPOCH FROM (expires_at - now())) * 1000)::bigint"
                + " FROM study_owners WHERE study_id = ?")) {
      p.setString(1, studyId);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? new ClaimRow(rs.getString(1), rs.getString(2), rs.getLong(3)) : null;
      }
    }
  }

  /** An ownership row: its owner's id and address, and the milliseconds until it expires. */
  private record ClaimRow(String owner, String address, long remainingMillis) {}

  /**
   * Remembers another replica's live claim for at most {@value #REMEMBER_OWNER_MS} ms (and never
   * past its expiry), so calls that are forwarded do not each ask the database who owns the study;
   * a study that moves is found again within that time.
   */
  private Claim elsewhere(String studyId, String owner, long remainingMillis) {
    long keep = Math.max(0, Math.min(remainingMillis, REMEMBER_OWNER_MS));
    elsewhere.put(
        studyId, new KnownOwner(owner, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(keep)));
    return new Elsewhere(owner);
  }

  private record KnownOwner(String address, long untilNanos) {}

  /** Records a study this replica created (its row was inserted with the study, epoch 1). */
  void created(String studyId) {
    held.put(studyId, 1L);
    log.info("owning study {} (epoch 1, created here)", studyId);
  }

  /**
   * Inside a write transaction: checks that this replica still owns {@code studyId} at {@code
   * epoch} (-1: the epoch it holds now), and extends the claim; throws {@link
   * StoreException.Fenced} otherwise.
   */
  void fence(GroupCommit.Session s, String studyId, long claimed) throws SQLException {
    Long epoch = claimed >= 0 ? Long.valueOf(claimed) : held.get(studyId);
    if (epoch != null) {
      PreparedStatement p =
          s.prepared(
              "UPDATE study_owners SET expires_at = now() + ? * interval '1 millisecond'"
                  + " WHERE study_id = ? AND owner = ? AND epoch = ?");
      p.setLong(1, ttlMillis);
      p.setString(2, studyId);
      p.setString(3, self);
      p.setLong(4, epoch);
      if (p.executeUpdate() == 1) {
        return;
      }
    }
    throw new StoreException.Fenced(studyId);
  }

  /** The SQL that inserts the creator's claim with a new study (in the creating transaction). */
  void insertCreatorClaim(GroupCommit.Session s, String studyId) throws SQLException {
    PreparedStatement p =
        s.prepared(
            "INSERT INTO study_owners (study_id, owner, address, epoch, expires_at)"
                + " VALUES (?, ?, ?, 1, now() + ? * interval '1 millisecond')");
    p.setString(1, studyId);
    p.setString(2, self);
    p.setString(3, address);
    p.setLong(4, ttlMillis);
    p.executeUpdate();
  }

  /**
   * A write of {@code studyId} at {@code epoch} (-1: the one held) was fenced: unless a newer claim
   * of ours has replaced that epoch already, the study is lost.
   */
  void fenced(String studyId, long epoch) {
    if (epoch < 0) {
      lose(studyId);
    } else if (held.remove(studyId, epoch)) {
      notifyLost(studyId);
    }
  }

  /** The study was deleted: nothing to own. */
  void deleted(String studyId) {
    held.remove(studyId);
  }

  /**
   * Extends this replica's claims, then reads which are still its own. The update skips rows that a
   * write transaction holds at that moment (that write's fence extends them itself), so renewal
   * never waits for a lock and can never be part of a deadlock with the writers; the read that
   * follows sees every committed claim, skipped or not.
   */
  private void renew() {
    if (held.isEmpty()) {
      lastRenewalNanos = System.nanoTime();
      return;
    }
    Map<String, Long> ours = new java.util.HashMap<>();
    try (Connection c = pool.getConnection()) {
      try (PreparedStatement p =
          c.prepareStatement(
              "UPDATE study_owners SET expires_at = now() + ? * interval '1 millisecond'"
                  + " WHERE study_id IN (SELECT study_id FROM study_owners WHERE owner = ?"
                  + " FOR UPDATE SKIP LOCKED)")) {
        p.setLong(1, ttlMillis);
        p.setString(2, self);
        p.executeUpdate();
      }
      try (PreparedStatement p =
          c.prepareStatement("SELECT study_id, epoch FROM study_owners WHERE owner = ?")) {
        p.setString(1, self);
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            ours.put(rs.getString(1), rs.getLong(2));
          }
        }
      }
      lastRenewalNanos = System.nanoTime();
    } catch (SQLException | RuntimeException e) {
      long since = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastRenewalNanos);
      if (since < ttlMillis) {
        log.warn(
            "cannot renew study ownership ({} ms since the last renewal): {}",
            since,
            e.getMessage());
        return;
      }
      log.warn("study ownership not renewed for {} ms: giving up every study", since);
      held.keySet().forEach(this::lose);
      return;
    }
    for (Map.Entry<String, Long> claim : held.entrySet()) {
      if (!claim.getValue().equals(ours.get(claim.getKey()))) {
        fenced(claim.getKey(), claim.getValue());
      }
    }
  }

  private void lose(String studyId) {
    if (held.remove(studyId) != null) {
      notifyLost(studyId);
    }
  }

  private void notifyLost(String studyId) {
    log.warn("lost study {}: another replica owns it now", studyId);
    listeners.forEach(l -> l.accept(studyId));
  }

  /** Gives up every claim (a clean stop): the other replicas take the studies over at once. */
  @Override
  public void close() {
    renewer.shutdownNow();
    if (held.isEmpty()) {
      return;
    }
    try (Connection c = pool.getConnection();
        PreparedStatement p =
            c.prepareStatement(
                "UPDATE study_owners SET expires_at = now() - interval '1 millisecond'"
                    + " WHERE owner = ?")) {
      p.setString(1, self);
      p.executeUpdate();
    } catch (SQLException e) {
      log.warn("cannot release study ownership: {}", e.getMessage());
    }
    held.clear();
  }
}
