package vernier.cli;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import vernier.client.ActiveTrial;
import vernier.client.StudyDirectories;
import vernier.client.StudyNeeds;
import vernier.client.VernierClient;
import vernier.v1.GetStudyRequest;
import vernier.v1.ParameterSpec;
import vernier.v1.Study;
import vernier.v1.Trial;

/**
 * {@code vernier agent --study S -- cmd {lr}}: tunes any command line. One process per trial, its
 * metrics read from standard output, pruned processes terminated.
 */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description =
        "Run a command per trial: parameters go into {name} placeholders, VERNIER_PARAM_<NAME>"
            + " environment variables and the JSON file $VERNIER_PARAMS_FILE; each stdout line"
            + " that is a JSON object ({\"step\": 10, \"loss\": 0.31}) or key=value pairs"
            + " (step=10 loss=0.31) is reported; a pruned process gets SIGTERM, then SIGKILL after"
            + " the grace period; exit 0 tells the last reported values, another exit code a"
            + " failure with the tail of stderr. Exits 1 when the command never reports a metric"
            + " the study needs, or when every trial failed.")
final class AgentCommand implements Callable<Integer> {

  @Mixin ServerOptions options;

  @Option(names = "--study", required = true, description = "Study name or id.")
  String study;

  @Option(
      names = "--parallel",
      defaultValue = "1",
      description = "Trials run at once (default: ${DEFAULT-VALUE}).")
  int parallel;

  @Option(
      names = "--max-trials",
      defaultValue = "0",
      description =
          "Stop after starting this many trials; 0: until the study is done (default:"
              + " ${DEFAULT-VALUE}).")
  int maxTrials;

  @Option(
      names = "--worker-id",
      description = "Worker id reported to the server (default: pid-host).")
  String workerId;

  @Option(
      names = "--grace-seconds",
      defaultValue = "10",
      description =
          "Seconds between SIGTERM and SIGKILL for a stopped trial (default: ${DEFAULT-VALUE}).")
  double graceSeconds;

  @Option(
      names = "--workdir",
      defaultValue = "vernier-runs",
      description = "Where each trial's params.json and files go (default: ${DEFAULT-VALUE}).")
  Path workdir;

  @Option(names = "--retry-failures", description = "Tell non-zero exits as retryable failures.")
  boolean retryFailures;

  @Parameters(
      arity = "1..*",
      paramLabel = "COMMAND",
      description = "The command and its arguments, after --.")
  List<String> command;

  private final Set<CommandRunner.Running> running = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean stopping = new AtomicBoolean();

  /**
   * {@code <workdir>/<study id>-<creation time>}: a study deleted and created again under the same
   * id gets fresh directories, so no trial sees files (checkpoints, outputs) of the old study's
   * runs.
   */
  private Path studyDirectory(Study s) {
    return workdir.resolve(StudyDirectories.name(s));
  }

  @Override
  public Integer call() throws Exception {
    String name = StudyCommand.name(study);
    String worker =
        workerId != null
            ? workerId
            : ManagementFactory.getRuntimeMXBean().getName().replace('@', '-');
    // long deadlines: a worker outlives a server restart (calls wait for it, then retry)
    try (VernierClient client = options.connect(java.time.Duration.ofSeconds(120))) {
      Study s = client.studies().getStudy(GetStudyRequest.newBuilder().setName(name).build());
      CommandRunner runner =
          new CommandRunner(
              command,
              s.getSpec().getParametersList().stream().map(ParameterSpec::getName).toList(),
              StudyNeeds.metrics(s.getSpec()).stream().map(StudyNeeds.Metric::name).toList(),
              name,
              studyDirectory(s),
              (long) (graceSeconds * 1000),
              retryFailures,
              System.out,
              System.err,
              stopping::get);
      Thread hook = new Thread(() -> stopAll(runner), "vernier-agent-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      AtomicInteger started = new AtomicInteger();
      Tally tally = new Tally();
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < parallel; i++) {
        String id = parallel == 1 ? worker : worker + "-" + i;
        Thread t = new Thread(() -> work(client, name, id, runner, started, tally), id);
        t.start();
        threads.add(t);
      }
      for (Thread t : threads) {
        t.join();
      }
      if (!stopping.get() || tally.missingMetric.get() != null) {
        Runtime.getRuntime().removeShutdownHook(hook);
      }
      return tally.exitCode(System.err);
    }
  }

  /** The outcomes of this agent's trials, for its exit code. */
  private static final class Tally {
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger finished = new AtomicInteger();
    final AtomicReference<String> lastFailure = new AtomicReference<>();
    final AtomicReference<String> missingMetric = new AtomicReference<>();

    void count(CommandRunner.Result r) {
      if (r.state() == null) {
        return;
      }
      finished.incrementAndGet();
      if (r.state() == Trial.State.FAILED) {
        failed.incrementAndGet();
        lastFailure.set(r.line());
      }
      if (r.missingMetric() != null) {
        missingMetric.compareAndSet(null, r.missingMetric());
      }
    }

    /** 0 unless the command cannot fill the study or every trial it ran failed (then 1). */
    int exitCode(PrintStream err) {
      if (missingMetric.get() != null) {
        err.println(
            "vernier agent: the command does not report '"
                + missingMetric.get()
                + "', which the study needs (an objective or constraint); stopped asking for"
                + " trials. Print it as a metric line, e.g. {\"step\": 10, \""
                + missingMetric.get()
                + "\": 0.5} (see docs/workers.md)");
        return 1;
      }
      if (finished.get() > 0 && failed.get() == finished.get()) {
        err.println(
            "vernier agent: all "
                + finished.get()
                + " trials failed; the last: "
                + lastFailure.get());
        return 1;
      }
      return 0;
    }
  }

  private void work(
      VernierClient client,
      String name,
      String worker,
      CommandRunner runner,
      AtomicInteger started,
      Tally tally) {
    PrintStream out = System.out;
    while (!stopping.get() && (maxTrials == 0 || started.incrementAndGet() <= maxTrials)) {
      Optional<ActiveTrial> next = client.ask(name, worker);
      if (next.isEmpty()) {
        out.println("study " + name + " is done");
        return;
      }
      try (ActiveTrial trial = next.get()) {
        CommandRunner.Result result = runner.run(trial, running::add);
        out.println(result.line());
        tally.count(result);
        if (result.missingMetric() != null) {
          stopping.set(true); // every trial would fail the same way: stop asking
        }
      } catch (Exception e) {
        System.err.println("[trial " + next.get().trial().getNumber() + "] " + e.getMessage());
      } finally {
        running.removeIf(r -> r.trial == next.get());
      }
    }
  }

  /** On SIGTERM or Ctrl-C: stop every trial process and tell its trial FAILED (retryable). */
  private void stopAll(CommandRunner runner) {
    stopping.set(true);
    for (CommandRunner.Running r : running) {
      try {
        runner.terminate(r.process);
        if (r.trial.isOpen()) {
          r.trial.fail("the agent was stopped", true);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        System.err.println("[trial " + r.trial.trial().getNumber() + "] " + e.getMessage());
      }
    }
  }
}
