package vernier.bench;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import vernier.client.ClientTls;
import vernier.server.ServerConfig;
import vernier.server.VernierServer;
import vernier.server.tls.ServerTls;
import vernier.v1.AskRequest;
import vernier.v1.AskResponse;
import vernier.v1.Assignment;
import vernier.v1.CreateStudyRequest;
import vernier.v1.Direction;
import vernier.v1.FloatDomain;
import vernier.v1.Limits;
import vernier.v1.Measurement;
import vernier.v1.Objective;
import vernier.v1.ParameterSpec;
import vernier.v1.PluginSpec;
import vernier.v1.ReportRequest;
import vernier.v1.Study;
import vernier.v1.StudyServiceGrpc;
import vernier.v1.StudySpec;
import vernier.v1.TellRequest;
import vernier.v1.WorkerServiceGrpc;

/**
 * Load generator: N concurrent gRPC clients on loopback against a Vernier server (started here on
 * an SQLite file with synchronous=FULL, or an existing one with --target), on a study of {@code
 * --params} float parameters in [-5, 5] minimising {@code loss}, with the server's default sampler
 * unless {@code --sampler} names one: the default is what users get, so it is measured first;
 * {@code random} is the storage and RPC ceiling. The loss is a shifted ill-conditioned ellipsoid
 * ({@code --objective ellipsoid}, the default, so the best value found says whether the speed was
 * bought by giving up the search) or a random number ({@code --objective random}).
 *
 * <ul>
 *   <li>{@code ask-tell}: each client loops ask + tell; reports pairs/s and ask/tell latency.
 *   <li>{@code report}: each client asks a trial and reports {@code --steps} steps before telling;
 *       reports reports/s.
 *   <li>{@code leases}: holds {@code --leases} trials leased at once, heartbeating each, for the
 *       duration; counts errors.
 * </ul>
 */
@Command(
    name = "loadgen",
    mixinStandardHelpOptions = true,
    description = "Vernier gRPC load generator.")
public final class LoadGenerator implements Callable<Integer> {

  enum Mode {
    ASK_TELL,
    REPORT,
    LEASES
  }

  @Option(names = "--mode", defaultValue = "ASK_TELL", description = "ASK_TELL, REPORT or LEASES.")
  Mode mode;

  @Option(names = "--clients", defaultValue = "32")
  int clients;

  @Option(names = "--seconds", defaultValue = "20", description = "Measured duration.")
  int seconds;

  @Option(names = "--warmup", defaultValue = "5", description = "Unmeasured warm-up seconds.")
  int warmup;

  @Option(names = "--steps", defaultValue = "50", description = "Reports per trial in REPORT mode.")
  int steps;

  @Option(
      names = "--leases",
      defaultValue = "1000",
      description = "Leased trials held at once in LEASES mode.")
  int leases;

  @Option(
      names = "--lease-seconds",
      defaultValue = "60",
      description = "Lease duration of the study.")
  int leaseSeconds;

  @Option(
      names = "--channels",
      defaultValue = "4",
      description = "gRPC channels the clients share.")
  int channels;

  @Option(
      names = "--sampler",
      description =
          "Sampler of the study, e.g. random, tpe, gp (default: none named, so the server's"
              + " default, auto).")
  String sampler;

  @Option(
      names = "--params",
      defaultValue = "5",
      description = "Float parameters of the study (default: ${DEFAULT-VALUE}).")
  int params;

  @Option(
      names = "--objective",
      defaultValue = "ellipsoid",
      description = "ellipsoid (shifted, condition 10^6) or random (default: ${DEFAULT-VALUE}).")
  String objective;

  @Option(names = "--seed", description = "Study seed (default: the server picks one).")
  Long seed;

  @Option(
      names = "--max-trials",
      defaultValue = "0",
      description = "Study budget; the run ends early when the study is done (0: none).")
  int maxTrials;

  @Option(
      names = "--target",
      description =
          "host:port of a running server, or several separated by commas (replicas: clients and"
              + " their channels are spread over them); default: start one here.")
  String target;

  @Option(
      names = "--studies",
      defaultValue = "1",
      description =
          "Studies to run at once; study i is created through target i (with replicas, the one"
              + " that creates a study owns it) and client c works on study c mod N.")
  int studyCount;

  @Option(
      names = "--db",
      description =
          "Store of the embedded server: a SQLite file or a PostgreSQL URL (password from"
              + " PGPASSWORD) (default: a temporary SQLite file).")
  String db;

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      description = "The embedded server serves TLS with this certificate (needs --tls-key).")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "The key of --tls-cert.")
  Path tlsKey;

  @Option(
      names = "--tls-ca",
      paramLabel = "FILE",
      description = "The clients connect over TLS, trusting this CA (PEM).")
  Path tlsCa;

  private final AtomicBoolean measuring = new AtomicBoolean();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong told = new AtomicLong();
  private final java.util.concurrent.atomic.DoubleAccumulator best =
      new java.util.concurrent.atomic.DoubleAccumulator(Math::min, Double.POSITIVE_INFINITY);

  public static void main(String[] args) {
    System.exit(
        new CommandLine(new LoadGenerator())
            .setCaseInsensitiveEnumValuesAllowed(true)
            .execute(args));
  }

  @Override
  public Integer call() throws Exception {
    VernierServer server = null;
    String address = target;
    if (address == null) {
      String store = db != null ? db : Files.createTempFile("vernier-bench-", ".db").toString();
      ServerTls.Settings tls =
          tlsCert == null ? null : new ServerTls.Settings(tlsCert, tlsKey, null);
      server =
          VernierServer.create(
                  new ServerConfig("127.0.0.1", 0, -1, store, null, null, null, null, tls))
              .start();
      address = "127.0.0.1:" + server.grpcPort();
      System.out.println(
          "embedded server, "
              + server.storeDescription()
              + " (every tell durable: SQLite WAL with synchronous=FULL; PostgreSQL with its"
              + " defaults, fsync and synchronous_commit on)"
              + (tlsCert == null ? "" : "; gRPC over TLS"));
    }
    List<String> targets = List.of(address.split(","));
    List<ManagedChannel> pool = new ArrayList<>(); // target by target: client c uses c mod size
    for (int i = 0; i < channels; i++) {
      for (String t : targets) {
        pool.add(
            tlsCa == null
                ? NettyChannelBuilder.forTarget(t.trim()).usePlaintext().build()
                : NettyChannelBuilder.forTarget(t.trim(), ClientTls.credentials(tlsCa, null, null))
                    .build());
      }
    }
    try {
      List<String> studies = new ArrayList<>();
      for (int i = 0; i < studyCount; i++) {
        studies.add(createStudy(pool.get(i % targets.size())));
      }
      switch (mode) {
        case ASK_TELL -> askTell(pool, studies);
        case REPORT -> reportHeavy(pool, studies);
        case LEASES -> holdLeases(pool, studies.get(0));
      }
    } finally {
      pool.forEach(ManagedChannel::shutdownNow);
      if (server != null) {
        server.close();
      }
    }
    return errors.get() == 0 ? 0 : 1;
  }

  private String createStudy(ManagedChannel channel) {
    String id = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    StudySpec.Builder spec =
        StudySpec.newBuilder()
            .addObjectives(
                Objective.newBuilder().setMetric("loss").setDirection(Direction.MINIMIZE))
            .setLimits(
                Limits.newBuilder()
                    .setMaxTrials(maxTrials)
                    .setLeaseDuration(
                        com.google.protobuf.Duration.newBuilder().setSeconds(leaseSeconds)));
    if (seed != null) {
      spec.setSeed(com.google.protobuf.Int64Value.of(seed));
    }
    if (sampler != null) {
      spec.setSampler(PluginSpec.newBuilder().setName(sampler));
    }
    for (int i = 0; i < params; i++) {
      spec.addParameters(
          ParameterSpec.newBuilder()
              .setName("x" + i)
              .setFloatDomain(FloatDomain.newBuilder().setMin(-5).setMax(5)));
    }
    Study created =
        StudyServiceGrpc.newBlockingStub(channel)
            .createStudy(CreateStudyRequest.newBuilder().setStudyId(id).setSpec(spec).build());
    System.out.println(
        "study "
            + id
            + ": "
            + params
            + " float parameters, sampler "
            + created.getSpec().getSampler().getName()
            + (created.getSamplerDescription().isEmpty()
                ? ""
                : " (" + created.getSamplerDescription() + ")"));
    return "studies/" + id;
  }

  /** Per-client latency samples (ns) and operation counts, merged at the end. */
  private static final class Recorder {
    final long[][] samples = new long[2][1 << 20];
    final int[] counts = new int[2];
    long ops;

    void record(int kind, long nanos) {
      if (counts[kind] < samples[kind].length) {
        samples[kind][counts[kind]++] = nanos;
      }
    }
  }

  private void askTell(List<ManagedChannel> pool, List<String> studies)
      throws InterruptedException {
    List<Recorder> recorders =
        run(
            pool,
            studies,
            (stub, study, rec) -> {
              long t0 = System.nanoTime();
              Assignment a = ask(stub, study);
              long t1 = System.nanoTime();
              if (a == null) {
                return;
              }
              stub.tell(
                  TellRequest.newBuilder()
                      .setTrial(a.getTrial().getName())
                      .setLeaseId(a.getLeaseId())
                      .setSucceeded(TellRequest.Succeeded.newBuilder().putValues("loss", loss(a)))
                      .build());
              long t2 = System.nanoTime();
              if (measuring.get()) {
                rec.record(0, t1 - t0);
                rec.record(1, t2 - t1);
                rec.ops++;
              }
            });
    print("ask+tell pairs", recorders, new String[] {"ask", "tell"});
    System.out.printf(
        Locale.ROOT, "quality: %d trials told, best loss %.6g%n", told.get(), best.get());
  }

  /**
   * The loss of a trial: a shifted ellipsoid, sum of 10^(6 i / (d - 1)) (x_i - s_i)^2 with shifts
   * s_i = 3.7 sin(i + 1) inside [-5, 5]; or a random value.
   */
  private double loss(Assignment a) {
    double value = 0;
    if (objective.equals("random")) {
      value = Math.random();
    } else {
      for (int i = 0; i < params; i++) {
        double x = a.getTrial().getParamsOrThrow("x" + i).getDoubleValue();
        double weight = params == 1 ? 1 : Math.pow(10, 6.0 * i / (params - 1));
        double d = x - 3.7 * Math.sin(i + 1);
        value += weight * d * d;
      }
    }
    told.incrementAndGet();
    best.accumulate(value);
    return value;
  }

  private void reportHeavy(List<ManagedChannel> pool, List<String> studies)
      throws InterruptedException {
    List<Recorder> recorders =
        run(
            pool,
            studies,
            (stub, study, rec) -> {
              Assignment a = ask(stub, study);
              if (a == null) {
                return;
              }
              for (int s = 0; s < steps && !stop.get(); s++) {
                long t0 = System.nanoTime();
                stub.report(
                    ReportRequest.newBuilder()
                        .setTrial(a.getTrial().getName())
                        .setLeaseId(a.getLeaseId())
                        .addMeasurements(
                            Measurement.newBuilder().setStep(s).putMetrics("loss", 1.0 / (s + 1)))
                        .build());
                if (measuring.get()) {
                  rec.record(0, System.nanoTime() - t0);
                  rec.ops++;
                }
              }
              stub.tell(
                  TellRequest.newBuilder()
                      .setTrial(a.getTrial().getName())
                      .setLeaseId(a.getLeaseId())
                      .setSucceeded(
                          TellRequest.Succeeded.newBuilder().putValues("loss", 1.0 / steps))
                      .build());
            });
    print("reports", recorders, new String[] {"report"});
  }

  private void holdLeases(List<ManagedChannel> pool, String study) throws InterruptedException {
    WorkerServiceGrpc.WorkerServiceBlockingStub stub =
        WorkerServiceGrpc.newBlockingStub(pool.get(0));
    List<Assignment> held = new ArrayList<>();
    while (held.size() < leases) {
      AskResponse r =
          stub.ask(
              AskRequest.newBuilder()
                  .setStudy(study)
                  .setWorkerId("holder")
                  .setCount(Math.min(100, leases - held.size()))
                  .build());
      held.addAll(r.getAssignmentsList());
    }
    System.out.printf(
        "holding %d leased trials (lease %d s) for %d s, heartbeating from %d clients%n",
        held.size(), leaseSeconds, seconds, clients);
    AtomicLong beats = new AtomicLong();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int first = c;
      WorkerServiceGrpc.WorkerServiceBlockingStub s =
          WorkerServiceGrpc.newBlockingStub(pool.get(c % pool.size()));
      Thread t =
          new Thread(
              () -> {
                while (System.nanoTime() < end) {
                  for (int i = first; i < held.size() && System.nanoTime() < end; i += clients) {
                    try {
                      s.report(
                          ReportRequest.newBuilder()
                              .setTrial(held.get(i).getTrial().getName())
                              .setLeaseId(held.get(i).getLeaseId())
                              .build());
                      beats.incrementAndGet();
                    } catch (StatusRuntimeException e) {
                      errors.incrementAndGet();
                    }
                  }
                }
              });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    for (Assignment a : held) {
      try {
        stub.tell(
            TellRequest.newBuilder()
                .setTrial(a.getTrial().getName())
                .setLeaseId(a.getLeaseId())
                .setSucceeded(TellRequest.Succeeded.newBuilder().putValues("loss", 1))
                .build());
      } catch (StatusRuntimeException e) {
        errors.incrementAndGet();
      }
    }
    System.out.printf(
        Locale.ROOT,
        "leases: %d held, %d heartbeats (%.0f/s), %d errors, all told%n",
        held.size(),
        beats.get(),
        beats.get() / (double) seconds,
        errors.get());
  }

  private static final AtomicBoolean studyDone = new AtomicBoolean();

  private static Assignment ask(WorkerServiceGrpc.WorkerServiceBlockingStub stub, String study) {
    AskResponse r =
        stub.ask(
            AskRequest.newBuilder()
                .setStudy(study)
                .setWorkerId(Thread.currentThread().getName())
                .setRequestId(UUID.randomUUID().toString())
                .build());
    if (r.getStatus() == AskResponse.Status.STUDY_DONE) {
      studyDone.set(true);
    }
    return r.getStatus() == AskResponse.Status.ASSIGNED ? r.getAssignments(0) : null;
  }

  @FunctionalInterface
  private interface Op {
    void run(WorkerServiceGrpc.WorkerServiceBlockingStub stub, String study, Recorder recorder);
  }

  private List<Recorder> run(List<ManagedChannel> pool, List<String> studies, Op op)
      throws InterruptedException {
    List<Recorder> recorders = new ArrayList<>();
    CountDownLatch done = new CountDownLatch(clients);
    for (int c = 0; c < clients; c++) {
      Recorder rec = new Recorder();
      recorders.add(rec);
      WorkerServiceGrpc.WorkerServiceBlockingStub stub =
          WorkerServiceGrpc.newBlockingStub(pool.get(c % pool.size()));
      String study = studies.get(c % studies.size());
      Thread t =
          new Thread(
              () -> {
                try {
                  while (!stop.get()) {
                    try {
                      op.run(stub, study, rec);
                    } catch (StatusRuntimeException e) {
                      errors.incrementAndGet();
                    }
                  }
                } finally {
                  done.countDown();
                }
              },
              "client-" + c);
      t.setDaemon(true);
      t.start();
    }
    System.out.printf(
        "%s: %d clients, %d s warm-up, %d s measured%n", mode, clients, warmup, seconds);
    Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
    measuring.set(true);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end && !studyDone.get()) {
      Thread.sleep(20);
    }
    measuring.set(false);
    stop.set(true);
    done.await(30, TimeUnit.SECONDS);
    return recorders;
  }

  private void print(String what, List<Recorder> recorders, String[] kinds) {
    long ops = recorders.stream().mapToLong(r -> r.ops).sum();
    System.out.printf(
        Locale.ROOT,
        "%s: %d in %d s = %.0f/s, errors %d%n",
        what,
        ops,
        seconds,
        ops / (double) seconds,
        errors.get());
    for (int k = 0; k < kinds.length; k++) {
      int kind = k;
      long[] all =
          recorders.stream()
              .flatMapToLong(r -> Arrays.stream(r.samples[kind], 0, r.counts[kind]))
              .toArray();
      Arrays.sort(all);
      if (all.length > 0) {
        System.out.printf(
            Locale.ROOT,
            "  %s latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f%n",
            kinds[k],
            ms(all, 0.50),
            ms(all, 0.90),
            ms(all, 0.99),
            all[all.length - 1] / 1e6);
      }
    }
  }

  private static double ms(long[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))] / 1e6;
  }
}
