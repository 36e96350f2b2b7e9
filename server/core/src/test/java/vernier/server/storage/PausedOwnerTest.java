package vernier.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import vernier.server.cluster.StudyOwnership;

/**
 * An owner paused (SIGSTOP, a long GC pause) in the middle of a write transaction keeps its study's
 * ownership row locked. Another replica's claim must neither hang on that lock nor take the study
 * while the lock is held: it answers "elsewhere" within its lock wait, again and again, and owns
 * the study once PostgreSQL has ended the idle transaction.
 */
final class PausedOwnerTest {

  @Test
  void aClaimOnARowAPausedOwnerHoldsLocked_answersElsewhereQuickly_thenTakesItOver()
      throws Exception {
    LocalPostgres postgres = LocalPostgres.shared();
    PostgresUrl url = postgres.newDatabase();
    try (PostgresStore replica =
            new PostgresStore(
                url, LocalPostgres.PASSWORD, Duration.ofSeconds(1), Store.CommitListener.NONE);
        Connection paused = postgres.connect(url)) {
      replica.ownership().advertise("127.0.0.1:7071");
      replica.createStudy(StoreContract.study("s"));
      try (Statement st = paused.createStatement()) {
        // the paused owner: its claim (expiring in 1 s, never renewed) and an open write
        // transaction holding the row, as Vernier's own connections are set up
        st.execute(
            "UPDATE study_owners SET owner = 'paused', address = '127.0.0.1:1', epoch = epoch +"
                + " 1, expires_at = now() + interval '1 second' WHERE study_id = 's'");
        st.execute(
            "SET idle_in_transaction_session_timeout = "
                + PostgresStore.idleInTransactionMillis(Duration.ofSeconds(1)));
        paused.setAutoCommit(false);
        st.execute("UPDATE study_owners SET epoch = epoch WHERE study_id = 's'");
      }
      Thread.sleep(1_200); // its claim has expired, its transaction still holds the row

      boolean owned = false;
      int elsewhere = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (!owned) {
        assertThat(System.nanoTime()).as("taken over").isLessThan(deadline);
        long start = System.nanoTime();
        StudyOwnership.Claim claim = replica.ownership().claim("s");
        assertThat(Duration.ofNanos(System.nanoTime() - start))
            .as("a claim never hangs on the paused owner's lock")
            .isLessThan(Duration.ofMillis(2_500));
        if (claim instanceof StudyOwnership.Elsewhere e) {
          assertThat(e.address()).isEqualTo("127.0.0.1:1");
          elsewhere++;
          Thread.sleep(200);
        } else {
          assertThat(claim).isInstanceOf(StudyOwnership.Owned.class);
          owned = true;
        }
      }
      assertThat(elsewhere).as("refused while the lock was held").isPositive();
    }
  }
}
