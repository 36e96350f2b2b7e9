package vernier.client;

import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import vernier.v1.Assignment;
import vernier.v1.Decision;
import vernier.v1.Measurement;
import vernier.v1.ParamValue;
import vernier.v1.ReportRequest;
import vernier.v1.ReportResponse;
import vernier.v1.TellRequest;
import vernier.v1.Trial;

/**
 * A trial leased to this worker. Report measurements, then tell exactly one outcome. Closing a
 * trial that was never told tells it FAILED (retryable), so a crash in the training code is
 * recorded and the trial can be retried.
 */
public final class ActiveTrial implements AutoCloseable {

  private final VernierClient client;
  private final Trial trial;
  private final String leaseId;
  private final ScheduledFuture<?> heartbeat;
  private volatile boolean open = true;
  private volatile Decision lastDecision = Decision.CONTINUE;
  private volatile StatusRuntimeException leaseLost;

  ActiveTrial(VernierClient client, Assignment assignment, ScheduledExecutorService heartbeats) {
    this.client = client;
    this.trial = assignment.getTrial();
    this.leaseId = assignment.getLeaseId();
    Instant expiry =
        Instant.ofEpochSecond(
            assignment.getLeaseExpireTime().getSeconds(),
            assignment.getLeaseExpireTime().getNanos());
    long period = Math.max(100, Duration.between(Instant.now(), expiry).toMillis() / 3);
    this.heartbeat =
        heartbeats.scheduleAtFixedRate(this::beat, period, period, TimeUnit.MILLISECONDS);
  }

  /** The trial as handed out: number, params, attempt. */
  public Trial trial() {
    return trial;
  }

  /** {@code studies/{study}/trials/{number}} */
  public String name() {
    return trial.getName();
  }

  /** The lease id, for callers that also use the raw gRPC stubs. */
  public String leaseId() {
    return leaseId;
  }

  public Map<String, ParamValue> params() {
    return trial.getParamsMap();
  }

  /**
   * Population-based training: the checkpoint to start from, as {@code studies/{study}/trials/{n}}
   * and the step it was saved at; load its weights (and optimizer state if you save it), use this
   * trial's params, and report the steps after it. Empty: train from scratch.
   */
  public Optional<StartFrom> startFrom() {
    if (!trial.hasStartFrom()) {
      return Optional.empty();
    }
    String study = trial.getName().substring(0, trial.getName().indexOf("/trials/"));
    return Optional.of(
        new StartFrom(
            study + "/trials/" + trial.getStartFrom().getTrial(),
            trial.getStartFrom().getTrial(),
            trial.getStartFrom().getStep()));
  }

  /** The step to train until, inclusive, then tell; empty when the worker decides (max_step 0). */
  public OptionalLong maxStep() {
    return trial.getMaxStep() > 0 ? OptionalLong.of(trial.getMaxStep()) : OptionalLong.empty();
  }

  /** A checkpoint of another trial: its resource name, number, and the step it was saved at. */
  public record StartFrom(String trial, long number, long step) {}

  /**
   * Whether the parameter is active in this trial (false for an inactive conditional parameter).
   */
  public boolean has(String name) {
    return trial.getParamsMap().containsKey(name);
  }

  /** A float parameter (an integer one is widened). */
  public double getDouble(String name) {
    ParamValue v = param(name);
    return switch (v.getKindCase()) {
      case DOUBLE_VALUE -> v.getDoubleValue();
      case INT_VALUE -> v.getIntValue();
      default -> throw wrongType(name, "a number", v);
    };
  }

  public long getLong(String name) {
    ParamValue v = param(name);
    if (v.getKindCase() != ParamValue.KindCase.INT_VALUE) {
      throw wrongType(name, "an integer", v);
    }
    return v.getIntValue();
  }

  public int getInt(String name) {
    return Math.toIntExact(getLong(name));
  }

  public String getString(String name) {
    ParamValue v = param(name);
    if (v.getKindCase() != ParamValue.KindCase.STRING_VALUE) {
      throw wrongType(name, "a string", v);
    }
    return v.getStringValue();
  }

  public boolean getBoolean(String name) {
    ParamValue v = param(name);
    if (v.getKindCase() != ParamValue.KindCase.BOOL_VALUE) {
      throw wrongType(name, "a boolean", v);
    }
    return v.getBoolValue();
  }

  /** A float parameter, or empty when it is inactive in this trial. */
  public OptionalDouble findDouble(String name) {
    return has(name) ? OptionalDouble.of(getDouble(name)) : OptionalDouble.empty();
  }

  /** A string parameter, or empty when it is inactive in this trial. */
  public Optional<String> findString(String name) {
    return has(name) ? Optional.of(getString(name)) : Optional.empty();
  }

  private ParamValue param(String name) {
    ParamValue v = trial.getParamsMap().get(name);
    if (v == null) {
      throw new IllegalArgumentException(
          "parameter '"
              + name
              + "' is not active in "
              + name()
              + "; active: "
              + trial.getParamsMap().keySet());
    }
    return v;
  }

  private IllegalArgumentException wrongType(String name, String expected, ParamValue v) {
    return new IllegalArgumentException(
        "parameter '" + name + "' of " + name() + " is not " + expected + ": " + v);
  }

  /**
   * Whether the last report was answered PRUNE or STOP: stop training and tell {@link #pruned()}.
   */
  public boolean shouldPrune() {
    return shouldStop(lastDecision);
  }

  public boolean isOpen() {
    return open;
  }

  /** Reports metrics at {@code step}; returns CONTINUE, PRUNE (tell {@link #pruned()}) or STOP. */
  public Decision report(long step, Map<String, Double> metrics) {
    ReportRequest request =
        ReportRequest.newBuilder()
            .setTrial(trial.getName())
            .setLeaseId(leaseId)
            .addMeasurements(Measurement.newBuilder().setStep(step).putAllMetrics(metrics))
            .build();
    lastDecision = call(() -> client.workers().report(request)).getDecision();
    return lastDecision;
  }

  /** Sets a label on the trial (e.g. the device it trains on), visible in the API and the CLI. */
  public void label(String key, String value) {
    ReportRequest request =
        ReportRequest.newBuilder()
            .setTrial(trial.getName())
            .setLeaseId(leaseId)
            .putLabels(key, value)
            .build();
    call(() -> client.workers().report(request));
  }

  /** Whether {@code decision} asks the worker to stop this trial. */
  public static boolean shouldStop(Decision decision) {
    return decision == Decision.PRUNE || decision == Decision.STOP;
  }

  public Trial succeeded(Map<String, Double> values) {
    return tell(
        TellRequest.newBuilder()
            .setSucceeded(TellRequest.Succeeded.newBuilder().putAllValues(values)));
  }

  public Trial pruned() {
    return tell(TellRequest.newBuilder().setPruned(TellRequest.Pruned.getDefaultInstance()));
  }

  public Trial failed(String reason, boolean retryable) {
    return tell(
        TellRequest.newBuilder()
            .setFailed(TellRequest.Failed.newBuilder().setReason(reason).setRetryable(retryable)));
  }

  public Trial infeasible(String reason) {
    return tell(
        TellRequest.newBuilder()
            .setInfeasible(TellRequest.Infeasible.newBuilder().setReason(reason)));
  }

  private Trial tell(TellRequest.Builder outcome) {
    if (!open) {
      throw new IllegalStateException("trial " + name() + " was already told");
    }
    TellRequest request =
        outcome
            .setTrial(trial.getName())
            .setLeaseId(leaseId)
            .setRequestId(UUID.randomUUID().toString())
            .build();
    Trial told =
        call(() -> client.workers().tell(request))
            .getTrial(); // a refused tell keeps the trial open
    end();
    return told;
  }

  private void beat() {
    if (!open) {
      return;
    }
    try {
      ReportResponse ignored =
          client
              .workers()
              .report(
                  ReportRequest.newBuilder().setTrial(trial.getName()).setLeaseId(leaseId).build());
    } catch (StatusRuntimeException e) {
      if (VernierClient.isLeaseLoss(e)) {
        leaseLost = e;
        heartbeat.cancel(false);
      } // other errors: the next beat or call tries again
    }
  }

  private <T> T call(java.util.function.Supplier<T> rpc) {
    if (leaseLost != null) {
      end();
      throw new LeaseLostException(
          "lost the lease of " + name() + ": " + leaseLost.getStatus().getDescription(), leaseLost);
    }
    try {
      return rpc.get();
    } catch (StatusRuntimeException e) {
      if (VernierClient.isLeaseLoss(e)) {
        end();
        throw new LeaseLostException(
            "lost the lease of " + name() + ": " + e.getStatus().getDescription(), e);
      }
      throw e;
    }
  }

  private void end() {
    open = false;
    heartbeat.cancel(false);
  }

  /** Tells FAILED (retryable) if no outcome was told: the code working on it did not finish. */
  @Override
  public void close() {
    if (open) {
      try {
        failed("worker closed the trial without an outcome", true);
      } catch (RuntimeException ignored) {
        end(); // the lease is gone or the server unreachable: the reaper will abandon the trial
      }
    }
  }
}
