package vernier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vernier.client.ActiveTrial;
import vernier.client.LeaseLostException;
import vernier.client.VernierClient;
import vernier.server.storage.LocalPostgres;
import vernier.v1.Direction;
import vernier.v1.FloatDomain;
import vernier.v1.Objective;
import vernier.v1.ParameterSpec;
import vernier.v1.StudySpec;

/**
 * The real server process with 16 concurrent clients is killed with SIGKILL mid-sweep and restarted
 * on the same database: every acknowledged tell is there, and no trial number was handed out twice
 * for different parameters. On SQLite and on a real PostgreSQL.
 */
final class CrashRecoveryTest {

  private static final int CLIENTS = 16;
  private static final int TELLS_BEFORE_KILL = 120;
  private static final int TELLS_IN_ALL = 300;

  @TempDir Path dir;

  private final SweepLedger ledger = new SweepLedger();
  private final AtomicBoolean stop = new AtomicBoolean();

  /** Starts the server process on a port, always on the same database. */
  @FunctionalInterface
  private interface Starter {
    ServerProcess start(int port) throws Exception;
  }

  @Test
  void sqlite_sigkillMidSweep_losesNoAcknowledgedTell_andRepeatsNoTrialNumber() throws Exception {
    Path db = dir.resolve("vernier.db");
    sigkillMidSweep(port -> ServerProcess.start(db, port));
  }

  @Test
  void postgresql_sigkillMidSweep_losesNoAcknowledgedTell_andRepeatsNoTrialNumber()
      throws Exception {
    String url = LocalPostgres.shared().newDatabase().toString();
    Map<String, String> env = Map.of("PGPASSWORD", LocalPostgres.PASSWORD);
    sigkillMidSweep(port -> ServerProcess.start(url, dir, env, port));
  }

  private void sigkillMidSweep(Starter starter) throws Exception {
    int port = ServerProcess.freePort();
    ServerProcess server = starter.start(port);
    StudySpec spec =
        StudySpec.newBuilder()
            .addParameters(
                ParameterSpec.newBuilder()
                    .setName("x")
                    .setFloatDomain(FloatDomain.newBuilder().setMin(-5).setMax(5)))
            .addParameters(
                ParameterSpec.newBuilder()
                    .setName("y")
                    .setFloatDomain(FloatDomain.newBuilder().setMin(-5).setMax(5)))
            .addObjectives(
                Objective.newBuilder().setMetric("loss").setDirection(Direction.MINIMIZE))
            .build();
    List<Thread> clients = new ArrayList<>();
    String target = server.target();
    try (VernierClient admin = VernierClient.connect(server.target())) {
      admin.createStudy("crash", spec);
      for (int c = 0; c < CLIENTS; c++) {
        String worker = "w" + c;
        Thread t = new Thread(() -> work(target, worker), worker);
        t.start();
        clients.add(t);
      }
      ledger.awaitTells(TELLS_BEFORE_KILL);
      server.kill();
      int atKill = ledger.tells();
      server = starter.start(port);
      ledger.awaitTells(TELLS_IN_ALL);
      stop.set(true);
      for (Thread t : clients) {
        t.join(TimeUnit.SECONDS.toMillis(60));
      }
      assertThat(atKill).isLessThan(TELLS_IN_ALL);

      ledger.checkStored(admin.allTrials("studies/crash"));
    } finally {
      stop.set(true);
      server.close();
    }
  }

  private void work(String target, String worker) {
    try (VernierClient client = VernierClient.connect(target)) {
      while (!stop.get()) {
        Optional<ActiveTrial> next = client.ask("studies/crash", worker);
        if (next.isEmpty()) {
          return;
        }
        try (ActiveTrial trial = next.get()) {
          ledger.run(trial);
        } catch (LeaseLostException e) {
          // the trial was abandoned while the server was down: fine, ask again
        }
      }
    }
  }
}
