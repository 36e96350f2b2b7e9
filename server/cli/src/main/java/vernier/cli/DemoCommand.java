package vernier.cli;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import vernier.client.ActiveTrial;
import vernier.client.VernierClient;
import vernier.server.ServerConfig;
import vernier.server.VernierServer;
import vernier.v1.Limits;
import vernier.v1.ListBestTrialsRequest;
import vernier.v1.PluginSpec;
import vernier.v1.Study;
import vernier.v1.Trial;
import vernier.v1.TrialCounts;

/**
 * {@code vernier demo}: starts a server on this machine (SQLite store), runs a sweep with several
 * in-process workers using the Java client — by default the DJL reference worker training its
 * built-in text classifier, or a synthetic training-like curve — with median pruning (or {@code
 * --pruner}), prints progress and ends with the best trial.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Run a real tuning sweep against an embedded server and show the best trial.")
final class DemoCommand implements Callable<Integer> {

  @Option(
      names = "--trials",
      defaultValue = "60",
      description = "Trials to run (default: ${DEFAULT-VALUE}).")
  int trials;

  @Option(
      names = "--workers",
      defaultValue = "4",
      description = "Parallel workers (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(
      names = "--workload",
      defaultValue = "djl-text",
      description =
          "djl-text: the DJL reference worker trains its built-in text classifier; synthetic: a "
              + "fast training-like curve (default: ${DEFAULT-VALUE}).")
  String workloadName;

  @Option(
      names = "--steps",
      defaultValue = "0",
      description =
          "Training steps per trial; 0: the workload's default (djl-text 150, synthetic 40).")
  int steps;

  @Option(
      names = "--step-ms",
      defaultValue = "20",
      description = "Milliseconds per synthetic step (default: ${DEFAULT-VALUE}).")
  long stepMillis;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Study seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--sampler",
      defaultValue = "auto",
      description =
          "Sampler plugin, optionally with settings: tpe:n_startup_trials=5 (default:"
              + " ${DEFAULT-VALUE}).")
  String sampler;

  @Option(
      names = "--pruner",
      defaultValue = "median",
      description =
          "Pruner plugin, optionally with settings: hyperband:min_resource=5 (default:"
              + " ${DEFAULT-VALUE}, judging from 5 finished trials and step 5 on).")
  String pruner;

  @Option(
      names = "--study",
      description =
          "Study id (default: demo-<current time in hex>). With --db, a study "
              + "of that id and the same spec is continued; one with another spec is refused.")
  String studyId;

  @Option(names = "--db", description = "SQLite file to keep (default: a temporary file).")
  Path database;

  @Option(
      names = {"--http-port", "--metrics-port"},
      defaultValue = "-1",
      description =
          "Serve /metrics, /healthz and /readyz on this port; 0 picks a free one, -1: off"
              + " (default: ${DEFAULT-VALUE}; --metrics-port is the deprecated name).")
  int httpPort;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path db = database != null ? database : Files.createTempFile("vernier-demo-", ".db");
    try (VernierServer server =
            VernierServer.create(new ServerConfig("127.0.0.1", 0, httpPort, db.toString(), null))
                .start();
        VernierClient client = VernierClient.connect("127.0.0.1:" + server.grpcPort())) {
      Workload workload = workload(client);
      String study =
          studyId != null ? studyId : "demo-" + Long.toHexString(System.currentTimeMillis());
      Study created =
          client.createStudy(
              study,
              workload
                  .spec()
                  .setSampler(plugin("--sampler", sampler))
                  .setPruner(prunerSpec())
                  .setLimits(Limits.newBuilder().setMaxTrials(trials))
                  .setSeed(com.google.protobuf.Int64Value.of(seed))
                  .build());
      out.printf(
          "Vernier demo: %s, study %s, %d trials x %d steps, %d workers, %s pruner, store %s%n",
          workloadName, study, trials, steps, workers, pruner, db);
      int finishedBefore = finished(created.getTrialCounts());
      Progress progress = new Progress(out, trials, steps, finishedBefore);
      if (finishedBefore > 0) {
        out.printf(
            "Continuing study %s: %d of %d trials already done.%n", study, finishedBefore, trials);
        bestTrials(client, study).stream().findFirst().ifPresent(progress::startFrom);
      }
      out.flush();
      long start = System.nanoTime();
      runWorkers(client, "studies/" + study, workload, progress);
      List<Trial> best = bestTrials(client, study);
      progress.summary((System.nanoTime() - start) / 1e9, best.isEmpty() ? null : best.get(0));
      return best.isEmpty() ? 1 : 0;
    }
  }

  private PluginSpec plugin(String option, String text) {
    try {
      return PluginArgs.parse(text);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), option + ": " + e.getMessage());
    }
  }

  private PluginSpec prunerSpec() {
    PluginSpec.Builder b = plugin("--pruner", pruner).toBuilder();
    if (pruner.equals("median")) {
      b.setSettings(
          Struct.newBuilder()
              .putFields("n_startup_trials", number(5))
              .putFields("n_warmup_steps", number(5)));
    }
    return b.build();
  }

  private Workload workload(VernierClient client) throws java.io.IOException {
    switch (workloadName) {
      case "djl-text" -> {
        steps = steps > 0 ? steps : 150;
        return new DjlTextWorkload(
            client, Files.createTempDirectory("vernier-demo-checkpoints-"), steps);
      }
      case "synthetic" -> {
        steps = steps > 0 ? steps : 40;
        return new SyntheticTraining(steps, stepMillis);
      }
      default ->
          throw new picocli.CommandLine.ParameterException(
              spec.commandLine(),
              "--workload must be djl-text or synthetic, got '" + workloadName + "'");
    }
  }

  private void runWorkers(VernierClient client, String study, Workload workload, Progress progress)
      throws InterruptedException {
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      String workerId = "demo-worker-" + w;
      Thread t = new Thread(() -> work(client, study, workerId, workload, progress), workerId);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
  }

  private static void work(
      VernierClient client, String study, String workerId, Workload workload, Progress progress) {
    Optional<ActiveTrial> next;
    while ((next = client.ask(study, workerId)).isPresent()) {
      try (ActiveTrial trial = next.get()) {
        workload.train(trial);
        progress.finished(client, trial);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static List<Trial> bestTrials(VernierClient client, String study) {
    return client
        .studies()
        .listBestTrials(ListBestTrialsRequest.newBuilder().setStudy("studies/" + study).build())
        .getTrialsList();
  }

  /** The trials that have used up part of max_trials and will not run again. */
  private static int finished(TrialCounts c) {
    return c.getSucceeded() + c.getPruned() + c.getFailed() + c.getInfeasible() + c.getAbandoned();
  }

  private static Value number(double v) {
    return Value.newBuilder().setNumberValue(v).build();
  }

  /** One line per finished trial, numbered within the study, then a summary of this run. */
  static final class Progress {
    private final PrintWriter out;
    private final int total;
    private final int steps;
    private final int finishedBefore;
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger pruned = new AtomicInteger();
    private final AtomicInteger stepsRun = new AtomicInteger();
    private double best = Double.NaN;
    private long bestTrial = -1;

    Progress(PrintWriter out, int total, int steps, int finishedBefore) {
      this.out = out;
      this.total = total;
      this.steps = steps;
      this.finishedBefore = finishedBefore;
    }

    /** The study's best before this run, so that each line shows the study's best so far. */
    synchronized void startFrom(Trial bestBefore) {
      best = bestBefore.getValuesOrDefault("val_loss", Double.NaN);
      bestTrial = bestBefore.getNumber();
    }

    synchronized void finished(VernierClient client, ActiveTrial trial) {
      Trial t =
          client
              .studies()
              .getTrial(vernier.v1.GetTrialRequest.newBuilder().setName(trial.name()).build());
      int n =
          finishedBefore
              + done.incrementAndGet(); // the study's count, shown against its max_trials
      stepsRun.addAndGet((int) Math.max(0, t.getLastStep())); // both workloads count steps from 1
      String result;
      if (t.getState() == Trial.State.PRUNED) {
        pruned.incrementAndGet();
        result = String.format(Locale.ROOT, "pruned at step %d", t.getLastStep());
      } else {
        double v = t.getValuesOrDefault("val_loss", Double.NaN);
        if (Double.isNaN(best) || v < best) {
          best = v;
          bestTrial = t.getNumber();
        }
        result = String.format(Locale.ROOT, "val_loss %.4f", v);
      }
      out.printf(
          Locale.ROOT,
          "[%3d/%d] trial %-3d %-9s %-22s best %.4f (trial %d)  %s%n",
          n,
          total,
          t.getNumber(),
          t.getState(),
          result,
          best,
          bestTrial,
          CommandLineFormat.params(t.getParamsMap()));
      out.flush();
    }

    void summary(double seconds, Trial best) {
      int all = done.get() * steps;
      out.printf(
          Locale.ROOT,
          "%nDone in %.1f s: %d trials%s, %d pruned; %d of %d steps run (%.0f%% saved by"
              + " pruning).%n",
          seconds,
          done.get(),
          finishedBefore > 0 ? " in this run" : "",
          pruned.get(),
          stepsRun.get(),
          all,
          all == 0 ? 0 : 100.0 * (all - stepsRun.get()) / all);
      if (best != null) {
        out.printf(
            Locale.ROOT,
            "Best trial %d: val_loss %.4f with %s%n",
            best.getNumber(),
            best.getValuesOrThrow("val_loss"),
            CommandLineFormat.params(best.getParamsMap()));
      }
      out.flush();
    }
  }
}
