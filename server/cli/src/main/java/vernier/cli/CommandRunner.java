package vernier.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import vernier.client.ActiveTrial;
import vernier.client.LeaseLostException;
import vernier.v1.Decision;
import vernier.v1.Trial;

/**
 * Runs one trial as a process: starts the command with the trial's parameters, reports every metric
 * line of its standard output as it arrives, terminates it (SIGTERM, then SIGKILL after the grace
 * period) when told to stop, and tells the outcome from how it ended.
 */
final class CommandRunner {

  private static final int STDERR_TAIL_LINES = 20;

  private final List<String> template;
  private final List<String> paramNames;
  private final List<String> requiredMetrics;
  private final String study;

  /**
   * The study's run directory: {@code <workdir>/<study id>-<creation time>}, one {@code trial-<n>}
   * per trial.
   */
  private final Path studyDir;

  private final long graceMillis;
  private final boolean retryFailures;
  private final PrintStream out;
  private final PrintStream err;
  private final java.util.function.BooleanSupplier stopping;

  CommandRunner(
      List<String> template,
      List<String> paramNames,
      List<String> requiredMetrics,
      String study,
      Path studyDir,
      long graceMillis,
      boolean retryFailures,
      PrintStream out,
      PrintStream err,
      java.util.function.BooleanSupplier stopping) {
    this.stopping = stopping;
    this.template = template;
    this.paramNames = paramNames;
    this.requiredMetrics = requiredMetrics;
    this.study = study;
    this.studyDir = studyDir;
    this.graceMillis = graceMillis;
    this.retryFailures = retryFailures;
    this.out = out;
    this.err = err;
  }

  /** A started trial process, so the agent can stop it from a shutdown hook. */
  static final class Running {
    final ActiveTrial trial;
    final Process process;

    Running(ActiveTrial trial, Process process) {
      this.trial = trial;
      this.process = process;
    }
  }

  /** Runs the trial to its end; {@code started} is told the process once it runs. */
  /**
   * How a trial ended, for the agent's line and its exit code.
   *
   * @param line {@code trial 3 FAILED: exit code 2: ... (exit 2, 1.2 s)}
   * @param state the trial's state after the tell, or null when nothing was told (lease lost, the
   *     agent is stopping)
   * @param missingMetric a metric the study needs that the command never reported, or null
   */
  record Result(String line, Trial.State state, String missingMetric) {}

  Result run(ActiveTrial trial, java.util.function.Consumer<Running> started)
      throws IOException, InterruptedException {
    Trial t = trial.trial();
    String prefix = "[trial " + t.getNumber() + "] ";
    Path dir = studyDir.resolve("trial-" + t.getNumber());
    Path paramsFile = dir.resolve("params.json");
    TrialCommand.writeParams(t, paramsFile);
    ProcessBuilder builder = new ProcessBuilder(TrialCommand.arguments(template, t, paramNames));
    builder.environment().putAll(TrialCommand.environment(t, study, paramsFile, dir));
    long start = System.nanoTime();
    Process process = builder.start();
    started.accept(new Running(trial, process));
    process.getOutputStream().close();
    Deque<String> stderrTail = new ArrayDeque<>();
    Thread stderr = echo(process, prefix, stderrTail);
    Map<String, Double> last = new LinkedHashMap<>();
    String stopped;
    try {
      stopped = readMetrics(trial, process, prefix, last);
    } catch (RuntimeException | IOException e) {
      terminate(
          process); // the server is unreachable or refused us: do not leave the process behind
      throw e;
    }
    if (stopped != null) {
      terminate(process);
    }
    int code = process.waitFor();
    stderr.join(TimeUnit.SECONDS.toMillis(5));
    double seconds = (System.nanoTime() - start) / 1e9;
    Told told = tell(trial, stopped, code, last, stderrTail);
    String line =
        String.format(
            Locale.ROOT,
            "trial %d %s (%s, %.1f s)",
            t.getNumber(),
            told.text(),
            stopped != null ? stopped : "exit " + code,
            seconds);
    return new Result(line, told.state(), told.missingMetric());
  }

  /** What {@link #tell} did: the state (null: nothing told), a text, a missing metric. */
  private record Told(Trial.State state, String text, String missingMetric) {
    static Told as(Trial trial, String text) {
      return new Told(trial.getState(), text, null);
    }

    static Told failed(Trial trial) {
      return new Told(trial.getState(), trial.getState() + ": " + trial.getFailureReason(), null);
    }
  }

  /**
   * Reports metric lines until the output ends or the server says stop; returns why it stopped, or
   * null.
   */
  private String readMetrics(
      ActiveTrial trial, Process process, String prefix, Map<String, Double> last)
      throws IOException {
    long step = -1;
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        Optional<MetricLine> metrics = MetricLine.parse(line);
        if (metrics.isEmpty()) {
          out.println(prefix + line);
          continue;
        }
        step = metrics.get().step().orElse(step + 1);
        try {
          trial.report(step, metrics.get().metrics());
          last.putAll(metrics.get().metrics());
          if (trial.shouldStop()) {
            return trial.lastDecision() == Decision.PRUNE
                ? "pruned at step " + step
                : "study stopped";
          }
        } catch (LeaseLostException e) {
          err.println(prefix + e.getMessage());
          return "lease lost";
        } catch (StatusRuntimeException e) {
          if (e.getStatus().getCode() != Status.Code.INVALID_ARGUMENT) {
            throw e;
          }
          err.println(prefix + "metrics not accepted: " + e.getStatus().getDescription());
        }
      }
    }
    return null;
  }

  private Told tell(
      ActiveTrial trial,
      String stopped,
      int code,
      Map<String, Double> last,
      Deque<String> stderrTail) {
    if (!trial.isOpen()) {
      return new Told(null, "LOST", null);
    }
    if (stopping.getAsBoolean()) {
      // the agent is shutting down: its hook tells the trial FAILED (retryable)
      return new Told(null, "STOPPED", null);
    }
    try {
      if (stopped != null) {
        return Told.as(trial.prune(), "PRUNED");
      }
      if (code != 0) {
        return Told.failed(
            trial.fail(
                "exit code "
                    + code
                    + (stderrTail.isEmpty() ? "" : ": " + String.join("\n", stderrTail)),
                retryFailures));
      }
      for (String metric : requiredMetrics) {
        if (!last.containsKey(metric)) {
          Trial failed =
              trial.fail(
                  "the command exited 0 without reporting '" + metric + "', which the study needs",
                  false);
          return new Told(failed.getState(), Told.failed(failed).text(), metric);
        }
      }
      Trial told = trial.succeed(last);
      return Told.as(told, told.getState() + " " + CommandLineFormat.values(told.getValuesMap()));
    } catch (StatusRuntimeException e) {
      return new Told(null, "NOT TOLD (" + e.getStatus().getDescription() + ")", null);
    }
  }

  private Thread echo(Process process, String prefix, Deque<String> tail) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(
                      new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                  err.println(prefix + line);
                  synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > STDERR_TAIL_LINES) {
                      tail.removeFirst();
                    }
                  }
                }
              } catch (IOException ignored) {
                // the process is gone
              }
            },
            "stderr-" + process.pid());
    t.setDaemon(true);
    t.start();
    return t;
  }

  /**
   * SIGTERM to the process and its descendants; SIGKILL to whatever is left after the grace period.
   */
  void terminate(Process process) throws InterruptedException {
    List<ProcessHandle> tree = process.descendants().toList();
    process.destroy();
    tree.forEach(ProcessHandle::destroy);
    if (!process.waitFor(graceMillis, TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
    }
    tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }
}
