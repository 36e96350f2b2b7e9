package vernier.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vernier.v1.Trial;

/**
 * Runs {@code parallel} worker threads that ask, train and tell until the study is done. On SIGTERM
 * (JVM shutdown) every running trial is told FAILED (retryable) so another worker can take it over.
 */
final class SweepRunner {

  private static final Logger log = LoggerFactory.getLogger(SweepRunner.class);

  private final VernierClient client;
  private final String study;
  private final String workerId;
  private final TrialFunction function;
  private final Set<ActiveTrial> running = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final AtomicInteger asking = new AtomicInteger();
  private final AtomicInteger succeeded = new AtomicInteger();
  private final AtomicInteger pruned = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicInteger lost = new AtomicInteger();

  SweepRunner(VernierClient client, String study, String workerId, TrialFunction function) {
    this.client = client;
    this.study = study;
    this.workerId = workerId;
    this.function = function;
  }

  SweepSummary run(int parallel) throws InterruptedException {
    Thread hook = new Thread(this::failRunning, "vernier-sigterm");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < parallel; i++) {
        String id = parallel == 1 ? workerId : workerId + "-" + i;
        Thread t = new Thread(() -> work(id), id);
        t.start();
        threads.add(t);
      }
      for (Thread t : threads) {
        t.join();
      }
    } finally {
      if (!stopping.get()) {
        Runtime.getRuntime().removeShutdownHook(hook);
      }
    }
    return new SweepSummary(succeeded.get(), pruned.get(), failed.get(), lost.get());
  }

  private void work(String id) {
    while (!stopping.get()) {
      Optional<ActiveTrial> next;
      asking.incrementAndGet();
      try {
        next = client.ask(study, id);
        next.ifPresent(running::add); // before the count drops, so the SIGTERM hook sees it
      } finally {
        asking.decrementAndGet();
      }
      if (next.isEmpty()) {
        return;
      }
      ActiveTrial trial = next.get();
      long start = System.nanoTime();
      try {
        count(runOne(trial));
        Trial told = trial.told();
        if (told != null) {
          log.info("{}", outcome(told, System.nanoTime() - start));
        }
      } finally {
        running.remove(trial);
      }
    }
  }

  private Trial.State runOne(ActiveTrial trial) {
    try {
      Map<String, Double> values = function.train(trial);
      if (!trial.isOpen()) {
        return toldState(trial); // the function told the outcome itself
      }
      return trial.shouldStop() ? trial.prune().getState() : trial.succeed(values).getState();
    } catch (TrialPrunedException e) {
      return trial.isOpen() ? trial.prune().getState() : toldState(trial);
    } catch (LeaseLostException e) {
      log.warn(e.getMessage());
      lost.incrementAndGet();
      return null;
    } catch (Exception e) {
      log.warn("{} failed", trial.name(), e);
      return trial.isOpen() ? trial.fail(e.toString(), false).getState() : toldState(trial);
    }
  }

  /**
   * One line per finished trial: {@code trial 12 SUCCEEDED val_loss=0.4123 (23.4 s)}, {@code trial
   * 13 PRUNED at step 75 (4.1 s)}, {@code trial 14 FAILED: CUDA out of memory (1.0 s)}.
   */
  static String outcome(Trial t, long nanos) {
    String what =
        switch (t.getState()) {
          case SUCCEEDED ->
              "SUCCEEDED "
                  + t.getValuesMap().entrySet().stream()
                      .map(
                          e ->
                              e.getKey()
                                  + "="
                                  + String.format(java.util.Locale.ROOT, "%.5g", e.getValue()))
                      .collect(java.util.stream.Collectors.joining(" "));
          case PRUNED -> "PRUNED" + (t.getLastStep() >= 0 ? " at step " + t.getLastStep() : "");
          default ->
              t.getState() + (t.getFailureReason().isEmpty() ? "" : ": " + t.getFailureReason());
        };
    return String.format(
        java.util.Locale.ROOT, "trial %d %s (%.1f s)", t.getNumber(), what, nanos / 1e9);
  }

  /** The state the trial was told, or null when it was not told here (its lease was lost). */
  private static Trial.State toldState(ActiveTrial trial) {
    Trial told = trial.told();
    return told == null ? null : told.getState();
  }

  private void count(Trial.State state) {
    if (state == null) {
      return;
    }
    switch (state) {
      case SUCCEEDED -> succeeded.incrementAndGet();
      case PRUNED -> pruned.incrementAndGet();
      default -> failed.incrementAndGet();
    }
  }

  /** The JVM is going down: give the running trials back so they can be retried elsewhere. */
  private void failRunning() {
    stopping.set(true);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (asking.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10); // an ask in flight may be handing us a trial: wait for it
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (ActiveTrial trial : running) {
      try {
        if (trial.isOpen()) {
          trial.fail("the worker was stopped (SIGTERM)", true);
        }
      } catch (RuntimeException e) {
        log.warn("{}: {}", trial.name(), e.getMessage());
      }
    }
  }
}
