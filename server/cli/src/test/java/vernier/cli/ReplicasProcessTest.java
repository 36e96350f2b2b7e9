package vernier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
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
import vernier.v1.PluginSpec;
import vernier.v1.StudySpec;

/**
 * Three replica processes on one real PostgreSQL with 16 concurrent workers: the owner of the study
 * is killed ({@code kill -9}) or paused ({@code SIGSTOP}) mid-sweep, directly or behind a plain TCP
 * load balancer (Debian's haproxy with docs/operations.md's example configuration). The sweep
 * finishes through the other replicas; every acknowledged tell is stored with its value; trial
 * numbers are unique and dense; the leases of live workers survive; a paused owner's late writes
 * are refused.
 */
final class ReplicasProcessTest {

  private static final int WORKERS = 16;

  @TempDir Path dir;

  private final List<ServerProcess> replicas = new ArrayList<>();
  private final SweepLedger ledger = new SweepLedger();
  private final AtomicInteger leasesLost = new AtomicInteger();
  private final AtomicInteger toldAcrossTheFailure = new AtomicInteger();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicLong failedAt = new AtomicLong();
  private Process haproxy;

  @AfterEach
  void stopAll() {
    stop.set(true);
    replicas.forEach(ServerProcess::close);
    if (haproxy != null) {
      haproxy.destroyForcibly();
    }
  }

  private void startReplicas(int n, String... extraArgs) throws Exception {
    String url = LocalPostgres.shared().newDatabase().toString();
    for (int i = 0; i < n; i++) {
      replicas.add(
          ServerProcess.start(
              url,
              dir,
              Map.of("PGPASSWORD", LocalPostgres.PASSWORD),
              ServerProcess.freePort(),
              extraArgs));
    }
  }

  private static StudySpec spec() {
    FloatDomain box = FloatDomain.newBuilder().setMin(-5).setMax(5).build();
    return StudySpec.newBuilder()
        .addParameters(ParameterSpec.newBuilder().setName("x").setFloatDomain(box))
        .addParameters(ParameterSpec.newBuilder().setName("y").setFloatDomain(box))
        .addObjectives(Objective.newBuilder().setMetric("loss").setDirection(Direction.MINIMIZE))
        .setSampler(PluginSpec.newBuilder().setName("random"))
        .build();
  }

  @Test
  void killingTheOwner_midSweep_losesNoAcknowledgedTell() throws Exception {
    startReplicas(3);
    try (VernierClient admin = VernierClient.connect(replicas.get(0).target())) {
      admin.createStudy("sweep", spec()); // replica 0 creates it, so it owns it
    }
    List<Thread> workers = startWorkers(w -> rotated(w)); // spread over the three
    ledger.awaitTells(150);
    long killedAt = System.nanoTime();
    failedAt.set(killedAt);
    replicas.get(0).kill();
    double failoverSeconds = firstAskAfter(killedAt, replicas.get(1).target());
    ledger.awaitTells(ledger.tells() + 150);
    finish(workers);
    System.out.printf(
        "failover: first ask through another replica %.1f s after kill -9%n", failoverSeconds);
    assertThat(failoverSeconds).isLessThan(30);
    checkStored(replicas.get(1).target(), true);
  }

  @Test
  void behindHaproxy_killingAReplica_isInvisibleToWorkers() throws Exception {
    startReplicas(3);
    int port = ServerProcess.freePort();
    haproxy = startHaproxy(port);
    String front = "127.0.0.1:" + port;
    try (VernierClient admin = VernierClient.connect(front)) {
      admin.createStudy("sweep", spec());
    }
    List<Thread> workers = startWorkers(w -> List.of(front)); // only the load balancer
    ledger.awaitTells(150);
    failedAt.set(System.nanoTime());
    ServerProcess owner = ownerOf("sweep");
    owner.kill();
    ledger.awaitTells(ledger.tells() + 150);
    finish(workers);
    checkStored(front, true);
  }

  @Test
  void aPausedOwner_wakesFenced_andWritesNothing() throws Exception {
    startReplicas(3, "--ownership-ttl", "2s");
    try (VernierClient admin = VernierClient.connect(replicas.get(0).target())) {
      admin.createStudy("sweep", spec());
    }
    ServerProcess paused = replicas.get(0);
    List<Thread> workers =
        startWorkers(
            w -> List.of(replicas.get(1 + w % 2).target(), replicas.get(2 - w % 2).target()));
    ledger.awaitTells(100);
    failedAt.set(System.nanoTime());
    paused.signal("STOP");
    // a request reaches the paused owner directly: it runs when the owner wakes up
    Thread late =
        new Thread(
            () -> {
              try (VernierClient direct =
                  VernierClient.connect(paused.target()).retryBudget(Duration.ZERO)) {
                direct.ask("studies/sweep", "late-worker");
              } catch (RuntimeException expected) {
                // UNAVAILABLE (fenced) or forwarded: either way nothing is double-written
              }
            });
    late.start();
    ledger.awaitTells( // the others took the study over after its claim expired
        ledger.tells() + 150, this::logTails);
    paused.signal("CONT");
    late.join(TimeUnit.SECONDS.toMillis(60));
    ledger.awaitTells(ledger.tells() + 50);
    finish(workers);
    String log = paused.output();
    assertThat(log).contains("lost study sweep");
    // calls hanging on the paused owner ran into their deadline and their workers moved on, so
    // no trial is expected to span the pause here (the kill tests check that leases survive)
    checkStored(replicas.get(1).target(), false);
  }

  // ---- the workers -------------------------------------------------------------------------

  private List<String> rotated(int worker) {
    List<String> targets = new ArrayList<>();
    for (int i = 0; i < replicas.size(); i++) {
      targets.add(replicas.get((worker + i) % replicas.size()).target());
    }
    return targets;
  }

  private List<Thread> startWorkers(java.util.function.IntFunction<List<String>> targets) {
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < WORKERS; w++) {
      List<String> mine = targets.apply(w);
      String name = "w" + w;
      Thread t = new Thread(() -> work(mine, name), name);
      t.start();
      threads.add(t);
    }
    return threads;
  }

  /**
   * Asks, reports twice and tells, through its first target; when that stays unavailable (its
   * replica died), through the next, as a client behind DNS with several addresses would.
   */
  private void work(List<String> targets, String worker) {
    int t = 0;
    while (!stop.get()) {
      try (VernierClient client =
          VernierClient.connect(targets.get(t % targets.size()))
              .retryBudget(Duration.ofSeconds(20))
              .callDeadline(Duration.ofSeconds(10))) {
        while (!stop.get()) {
          Optional<ActiveTrial> next = client.ask("studies/sweep", worker);
          if (next.isEmpty()) {
            return;
          }
          long askedAt = System.nanoTime();
          try (ActiveTrial trial = next.get()) {
            ledger.run(trial);
            long failed = failedAt.get();
            if (failed != 0 && askedAt < failed) {
              toldAcrossTheFailure.incrementAndGet(); // its lease outlived the failure
            }
          } catch (LeaseLostException e) {
            leasesLost.incrementAndGet();
          }
        }
      } catch (StatusRuntimeException e) {
        t++; // this replica stayed unreachable: the next one
      }
    }
  }

  private void finish(List<Thread> workers) throws InterruptedException {
    stop.set(true);
    for (Thread t : workers) {
      t.join(TimeUnit.SECONDS.toMillis(90));
    }
  }

  /** Seconds from {@code since} to the first ask on the study answered through {@code target}. */
  private static double firstAskAfter(long since, String target) {
    try (VernierClient probe = VernierClient.connect(target).retryBudget(Duration.ofSeconds(60))) {
      probe.ask("studies/sweep", "failover-probe").ifPresent(ActiveTrial::close);
    }
    return (System.nanoTime() - since) / 1e9;
  }

  private ServerProcess ownerOf(String study) throws Exception {
    for (ServerProcess r : replicas) {
      if (r.output().contains("owning study " + study)) {
        return r;
      }
    }
    throw new AssertionError("no replica logged that it owns " + study);
  }

  /** The last lines of every replica's log, for a failure message. */
  private String logTails() {
    StringBuilder b = new StringBuilder();
    for (ServerProcess r : replicas) {
      try {
        List<String> lines = r.output().lines().toList();
        b.append("\n--- replica ").append(r.target()).append(" ---\n");
        lines
            .subList(Math.max(0, lines.size() - 40), lines.size())
            .forEach(l -> b.append(l).append('\n'));
      } catch (java.io.IOException e) {
        b.append("(no log: ").append(e).append(")\n");
      }
    }
    return b.toString();
  }

  private void checkStored(String target, boolean leasesSpanTheFailure) {
    try (VernierClient client = VernierClient.connect(target)) {
      ledger.checkStored(client.allTrials("studies/sweep"));
    }
    assertThat(leasesLost.get()).as("leases lost by live workers").isZero();
    if (leasesSpanTheFailure) {
      assertThat(toldAcrossTheFailure.get())
          .as("trials asked before the failure, told after")
          .isPositive();
    }
  }

  // ---- the load balancer -------------------------------------------------------------------

  /** Debian's haproxy with the example configuration of docs/operations.md, on {@code port}. */
  private Process startHaproxy(int port) throws Exception {
    String example = Files.readString(Path.of("..", "..", "docs", "haproxy.cfg"));
    StringBuilder servers = new StringBuilder();
    for (int i = 0; i < replicas.size(); i++) {
      servers.append(
          String.format("    server vernier%d %s check%n", i + 1, replicas.get(i).target()));
    }
    String config =
        example
            .replace("bind :7070", "bind 127.0.0.1:" + port)
            .replaceAll("(?m)^    server vernier.*\\R", "")
            .replace("    # servers\n", "    # servers\n" + servers);
    Path file = Files.writeString(dir.resolve("haproxy.cfg"), config);
    Process p =
        new ProcessBuilder(
                Files.isExecutable(Path.of("/usr/sbin/haproxy")) ? "/usr/sbin/haproxy" : "haproxy",
                "-f",
                file.toString(),
                "-db")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("haproxy.log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
        return p;
      } catch (java.io.IOException notYet) {
        if (!p.isAlive()) {
          throw new IllegalStateException(
              "haproxy exited: " + Files.readString(dir.resolve("haproxy.log")));
        }
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("haproxy is not listening on " + port);
  }
}
