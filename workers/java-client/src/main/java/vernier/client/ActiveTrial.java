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
 * A trial leased to this worker: read its parameters with the typed getters, {@link #report} each
 * step and check {@link #shouldStop()}, then tell exactly one outcome ({@link #succeed}, {@link
 * #prune}, {@link #fail}, {@link #infeasible}).
 *
 * <pre>{@code
 * for (int step = 0; step < steps; step++) {
 *   trial.report(step, Map.of("val_loss", trainOneEpoch(trial.getDouble("lr"))));
 *   if (trial.shouldStop()) { // PRUNE or STOP
 *     trial.prune();
 *     break;
 *   }
 * }
 * if (trial.isOpen()) trial.succeed(Map.of("val_loss", evaluate()));
 * }</pre>
 *
 * <p>Closing a trial that was never told tells it PRUNED when the last report was answered PRUNE or
 * STOP, else FAILED (retryable), so a crash in the training code is recorded and the trial can be
 * retried.
 */
public final class ActiveTrial implements AutoCloseable {

  private final VernierClient client;
  private final Trial trial;
  private final String leaseId;
  private final ScheduledFuture<?> heartbeat;
  private volatile boolean open = true;
  private volatile Decision lastDecision = Decision.CONTINUE;
  private volatile StatusRuntimeException leaseLost;
  private volatile Trial told;

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

  /**
   * The active parameters as protos, e.g. to log or copy them; read one with the typed getters
   * ({@link #getDouble}, {@link #getInt}, {@link #getString}, ...).
   */
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

  /** An integer parameter. */
  public long getLong(String name) {
    ParamValue v = param(name);
    if (v.getKindCase() != ParamValue.KindCase.INT_VALUE) {
      throw wrongType(name, "an integer", v);
    }
    return v.getIntValue();
  }

  /** An integer parameter; throws {@link ArithmeticException} if it does not fit an int. */
  public int getInt(String name) {
    return Math.toIntExact(getLong(name));
  }

  /** A string parameter (e.g. a categorical one). */
  public String getString(String name) {
    ParamValue v = param(name);
    if (v.getKindCase() != ParamValue.KindCase.STRING_VALUE) {
      throw wrongType(name, "a string", v);
    }
    return v.getStringValue();
  }

  /** A boolean parameter. */
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
   * Whether the server asked to stop this trial: the last {@link #report} was answered PRUNE (the
   * pruner gave up on it) or STOP (the study was stopped). Stop training and tell {@link #prune()}.
   */
  public boolean shouldStop() {
    return lastDecision == Decision.PRUNE || lastDecision == Decision.STOP;
  }

  /**
   * The server's answer to the last {@link #report}: CONTINUE (also before the first report), PRUNE
   * or STOP. {@link #shouldStop()} is what a training loop needs; this tells PRUNE from STOP.
   */
  public Decision lastDecision() {
    return lastDecision;
  }

  /**
   * Whether the last report was answered PRUNE or STOP.
   *
   * @deprecated use {@link #shouldStop()}, which is the same; this alias goes in the next release.
   */
  @Deprecated(since = "0.1.0", forRemoval = true)
  public boolean shouldPrune() {
    return shouldStop();
  }

  /** False once an outcome was told or the lease was lost. */
  public boolean isOpen() {
    return open;
  }

  /**
   * Reports {@code metrics} at {@code step} (&ge; 0) and renews the lease; then check {@link
   * #shouldStop()}.
   */
  public void report(long step, Map<String, Double> metrics) {
    ReportRequest request =
        ReportRequest.newBuilder()
            .setTrial(trial.getName())
            .setLeaseId(leaseId)
            .addMeasurements(Measurement.newBuilder().setStep(step).putAllMetrics(metrics))
            .build();
    lastDecision = call(() -> client.workers().report(request)).getDecision();
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

  /**
   * Tells SUCCEEDED with the final values, which must contain every objective and constraint metric
   * of the study.
   */
  public Trial succeed(Map<String, Double> values) {
    return tell(
        TellRequest.newBuilder()
            .setSucceeded(TellRequest.Succeeded.newBuilder().putAllValues(values)));
  }

  /** Tells PRUNED: the trial stopped early because {@link #shouldStop()} said so. */
  public Trial prune() {
    return tell(TellRequest.newBuilder().setPruned(TellRequest.Pruned.getDefaultInstance()));
  }

  /** Tells FAILED, not retryable. */
  public Trial fail(String reason) {
    return fail(reason, false);
  }

  /**
   * Tells FAILED; a {@code retryable} failure is run again while the study's {@code max_attempts}
   * allows.
   */
  public Trial fail(String reason, boolean retryable) {
    return tell(
        TellRequest.newBuilder()
            .setFailed(TellRequest.Failed.newBuilder().setReason(reason).setRetryable(retryable)));
  }

  /** Tells INFEASIBLE: these parameters cannot be evaluated (e.g. the model does not fit). */
  public Trial infeasible(String reason) {
    return tell(
        TellRequest.newBuilder()
            .setInfeasible(TellRequest.Infeasible.newBuilder().setReason(reason)));
  }

  /**
   * Tells SUCCEEDED.
   *
   * @deprecated use {@link #succeed(Map)}; this alias goes in the next release.
   */
  @Deprecated(since = "0.1.0", forRemoval = true)
  public Trial succeeded(Map<String, Double> values) {
    return succeed(values);
  }

  /**
   * Tells PRUNED.
   *
   * @deprecated use {@link #prune()}; this alias goes in the next release.
   */
  @Deprecated(since = "0.1.0", forRemoval = true)
  public Trial pruned() {
    return prune();
  }

  /**
   * Tells FAILED.
   *
   * @deprecated use {@link #fail(String, boolean)}; this alias goes in the next release.
   */
  @Deprecated(since = "0.1.0", forRemoval = true)
  public Trial failed(String reason, boolean retryable) {
    return fail(reason, retryable);
  }

  /** The outcome told through this object, or null while none was. */
  Trial told() {
    return told;
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
    Trial result =
        call(() -> client.workers().tell(request))
            .getTrial(); // a refused tell keeps the trial open
    told = result;
    end();
    return result;
  }

  private void beat() {
    if (!open) {
      return;
    }
    try {
      ReportResponse ignored =
          client
              .heartbeatStub() // one attempt: the next beat is the retry
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

  /**
   * If no outcome was told: tells PRUNED when the last report was answered PRUNE or STOP, else
   * FAILED (retryable), because the code working on it did not finish.
   */
  @Override
  public void close() {
    if (open) {
      try {
        if (shouldStop()) {
          prune();
        } else {
          fail("worker closed the trial without an outcome", true);
        }
      } catch (RuntimeException ignored) {
        end(); // the lease is gone or the server unreachable: the reaper will abandon the trial
      }
    }
  }
}
