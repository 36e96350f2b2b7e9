package vernier.bench;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import vernier.client.ActiveTrial;
import vernier.client.LeaseLostException;
import vernier.client.VernierClient;
import vernier.v1.Direction;
import vernier.v1.FloatDomain;
import vernier.v1.Objective;
import vernier.v1.ParameterSpec;
import vernier.v1.PluginSpec;
import vernier.v1.StudySpec;
import vernier.v1.Trial;

/**
 * Failover time of replicas on one PostgreSQL database: three {@code vernier server} processes,
 * workers asking and telling through two of them, then {@code kill -9} of the study's owner; the
 * time from the kill to the first ask answered through another replica, and the acknowledged tells
 * missing afterwards (must be 0). Repeated {@code --runs} times (the killed replica is restarted in
 * between), median reported. The password comes from {@code PGPASSWORD}. Run by {@code
 * bench/run-replicas.sh}.
 */
@Command(name = "failover", mixinStandardHelpOptions = true)
public final class FailoverBenchmark implements Callable<Integer> {

  @Option(names = "--db", required = true, description = "PostgreSQL URL the replicas share.")
  String db;

  @Option(names = "--runs", defaultValue = "5")
  int runs;

  @Option(names = "--workers", defaultValue = "8")
  int workers;

  @Option(names = "--logs", defaultValue = "${java.io.tmpdir}", description = "Replica logs.")
  Path logs;

  private final List<Process> replicas = new ArrayList<>();
  private final List<Integer> ports = new ArrayList<>();

  public static void main(String[] args) {
    System.exit(new CommandLine(new FailoverBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    for (int i = 0; i < 3; i++) {
      ports.add(freePort());
      replicas.add(startReplica(i));
    }
    double[] seconds = new double[runs];
    int lostInAll = 0;
    try {
      for (int run = 0; run < runs; run++) {
        Result r = run(run);
        seconds[run] = r.seconds();
        lostInAll += r.lost();
        System.out.printf(
            Locale.ROOT,
            "run %d: first ask through another replica %.2f s after kill -9; %d acknowledged"
                + " tells, %d missing%n",
            run + 1,
            r.seconds(),
            r.acknowledged(),
            r.lost());
        replicas.set(0, startReplica(0)); // the killed one comes back for the next run
      }
    } finally {
      replicas.forEach(Process::destroyForcibly);
    }
    double[] sorted = seconds.clone();
    Arrays.sort(sorted);
    System.out.printf(
        Locale.ROOT,
        "failover over %d runs: median %.2f s (min %.2f, max %.2f); acknowledged tells lost: %d%n",
        runs,
        sorted[runs / 2],
        sorted[0],
        sorted[runs - 1],
        lostInAll);
    return lostInAll == 0 ? 0 : 1;
  }

  private record Result(double seconds, int acknowledged, int lost) {}

  private Result run(int run) throws Exception {
    String study = "failover-" + run + "-" + System.currentTimeMillis();
    try (VernierClient admin = VernierClient.connect(target(0))) {
      admin.createStudy(study, spec()); // replica 0 creates it, so it owns it
    }
    Map<String, Double> acknowledged = new ConcurrentHashMap<>();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger tells = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      String target = target(1 + w % 2);
      String worker = "w" + w;
      Thread t = new Thread(() -> work(target, study, worker, acknowledged, tells, stop), worker);
      t.start();
      threads.add(t);
    }
    while (tells.get() < 200) {
      Thread.sleep(10);
    }
    long killed = System.nanoTime();
    replicas.get(0).destroyForcibly().waitFor();
    try (VernierClient probe =
        VernierClient.connect(target(1)).retryBudget(Duration.ofSeconds(60))) {
      probe.ask("studies/" + study, "probe").ifPresent(ActiveTrial::close);
    }
    double seconds = (System.nanoTime() - killed) / 1e9;
    int atFailover = tells.get();
    while (tells.get() < atFailover + 200) {
      Thread.sleep(10);
    }
    stop.set(true);
    for (Thread t : threads) {
      t.join(60_000);
    }
    int lost = 0;
    try (VernierClient reader = VernierClient.connect(target(1))) {
      Map<String, Double> stored = new ConcurrentHashMap<>();
      for (Trial t : reader.allTrials("studies/" + study)) {
        if (t.getState() == Trial.State.SUCCEEDED) {
          stored.put(t.getName(), t.getValuesMap().get("loss"));
        }
      }
      for (Map.Entry<String, Double> e : acknowledged.entrySet()) {
        if (!e.getValue().equals(stored.get(e.getKey()))) {
          lost++;
        }
      }
    }
    return new Result(seconds, acknowledged.size(), lost);
  }

  private static void work(
      String target,
      String study,
      String worker,
      Map<String, Double> acknowledged,
      AtomicInteger tells,
      AtomicBoolean stop) {
    try (VernierClient client = VernierClient.connect(target).retryBudget(Duration.ofSeconds(60))) {
      while (!stop.get()) {
        Optional<ActiveTrial> next = client.ask("studies/" + study, worker);
        if (next.isEmpty()) {
          return;
        }
        try (ActiveTrial trial = next.get()) {
          double loss = trial.getDouble("x") * trial.getDouble("x") + trial.getDouble("y");
          trial.succeed(Map.of("loss", loss));
          acknowledged.put(trial.name(), loss);
          tells.incrementAndGet();
        } catch (LeaseLostException e) {
          System.out.println(worker + ": lease lost: " + e.getMessage());
        }
      }
    } catch (StatusRuntimeException e) {
      System.out.println(worker + ": " + e.getStatus());
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

  private String target(int replica) {
    return "127.0.0.1:" + ports.get(replica);
  }

  private Process startReplica(int i) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Path log = logs.resolve("vernier-replica-" + i + ".log");
    Process p =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "vernier.cli.Main",
                "server",
                "--port",
                Integer.toString(ports.get(i)),
                "--http-port",
                "-1",
                "--db",
                db)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    awaitServing(target(i), p, log);
    return p;
  }

  private static void awaitServing(String target, Process p, Path log) throws Exception {
    ManagedChannel channel = NettyChannelBuilder.forTarget(target).usePlaintext().build();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        if (!p.isAlive()) {
          throw new IllegalStateException("replica exited; see " + log);
        }
        try {
          if (HealthGrpc.newBlockingStub(channel)
                  .withDeadlineAfter(1, TimeUnit.SECONDS)
                  .check(HealthCheckRequest.getDefaultInstance())
                  .getStatus()
              == HealthCheckResponse.ServingStatus.SERVING) {
            return;
          }
        } catch (StatusRuntimeException notYet) {
          Thread.sleep(100);
        }
      }
      throw new IllegalStateException("replica at " + target + " not serving; see " + log);
    } finally {
      channel.shutdownNow();
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
