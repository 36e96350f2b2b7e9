package vernier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import vernier.client.ActiveTrial;
import vernier.v1.ParamValue;
import vernier.v1.Trial;

/**
 * What the workers of a crash test were handed and told, and the check of what the server stored
 * afterwards: every acknowledged tell there with its value, trial numbers unique and dense, no
 * number handed out twice with different parameters. Shared by the SIGKILL and replica tests.
 */
final class SweepLedger {

  private final Map<String, Double> acknowledged = new ConcurrentHashMap<>();
  private final Map<Long, Map<String, ParamValue>> handedOut = new ConcurrentHashMap<>();
  private final List<String> conflicts = new ArrayList<>();
  private final AtomicInteger tells = new AtomicInteger();

  /**
   * Runs one trial over parameters x and y: two reports, then success with loss x² + y²; records
   * what was handed out and, once the tell is acknowledged, its value.
   */
  void run(ActiveTrial trial) {
    Map<String, ParamValue> previous =
        handedOut.putIfAbsent(trial.trial().getNumber(), trial.params());
    if (previous != null && !previous.equals(trial.params())) {
      synchronized (conflicts) {
        conflicts.add(trial.name());
      }
    }
    double x = trial.getDouble("x");
    double y = trial.getDouble("y");
    double loss = x * x + y * y;
    trial.report(0, Map.of("loss", loss + 1));
    trial.report(1, Map.of("loss", loss + 0.5));
    trial.succeed(Map.of("loss", loss));
    acknowledged.put(trial.name(), loss);
    tells.incrementAndGet();
  }

  int tells() {
    return tells.get();
  }

  /** Waits (at most 180 s) until {@code n} tells were acknowledged. */
  void awaitTells(int n) throws InterruptedException {
    awaitTells(n, () -> "");
  }

  /** As {@link #awaitTells(int)}; a failure adds {@code diagnosis} (e.g. the servers' logs). */
  void awaitTells(int n, java.util.function.Supplier<String> diagnosis)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (tells.get() < n && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    if (tells.get() < n) {
      assertThat(tells.get())
          .as("acknowledged tells; %s", diagnosis.get())
          .isGreaterThanOrEqualTo(n);
    }
  }

  /** Checks {@code stored}, the study's trials in number order, against what was acknowledged. */
  void checkStored(List<Trial> stored) {
    Map<String, Trial> byName = new ConcurrentHashMap<>();
    stored.forEach(t -> byName.put(t.getName(), t));
    assertThat(byName).hasSize(stored.size());
    for (Map.Entry<String, Double> told : acknowledged.entrySet()) {
      Trial t = byName.get(told.getKey());
      assertThat(t).as("acknowledged %s", told.getKey()).isNotNull();
      assertThat(t.getState()).isEqualTo(Trial.State.SUCCEEDED);
      assertThat(t.getValuesMap()).containsEntry("loss", told.getValue());
    }
    for (int i = 0; i < stored.size(); i++) {
      assertThat(stored.get(i).getNumber()).isEqualTo(i); // dense, unique numbers
    }
    assertThat(conflicts).as("trial numbers handed out twice with different params").isEmpty();
  }
}
