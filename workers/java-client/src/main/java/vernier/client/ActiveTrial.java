package vernier.client;

import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
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
  private volatile StatusRuntimeException leaseLost;

  ActiveTrial(VernierClient client, Assignment assignment, ScheduledExecutorService heartbeats) {
    this.client = client;
    this.trial = assignment.getTrial();
    this.leaseId = assignment.getLeaseId();
    Instant expiry = Instant.ofEpochSecond(assignment.getLeaseExpireTime().getSeconds(),
        assignment.getLeaseExpireTime().getNanos());
    long period = Math.max(100, Duration.between(Instant.now(), expiry).toMillis() / 3);
    this.heartbeat = heartbeats.scheduleAtFixedRate(this::beat, period, period, TimeUnit.MILLISECONDS);
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

  public boolean isOpen() {
    return open;
  }

  /** Reports metrics at {@code step}; returns CONTINUE, PRUNE (tell {@link #pruned()}) or STOP. */
  public Decision report(long step, Map<String, Double> metrics) {
    ReportRequest request = ReportRequest.newBuilder().setTrial(trial.getName()).setLeaseId(leaseId)
        .addMeasurements(Measurement.newBuilder().setStep(step).putAllMetrics(metrics)).build();
    return call(() -> client.workers().report(request)).getDecision();
  }

  /** Whether {@code decision} asks the worker to stop this trial. */
  public static boolean shouldStop(Decision decision) {
    return decision == Decision.PRUNE || decision == Decision.STOP;
  }

  public Trial succeeded(Map<String, Double> values) {
    return tell(TellRequest.newBuilder().setSucceeded(TellRequest.Succeeded.newBuilder().putAllValues(values)));
  }

  public Trial pruned() {
    return tell(TellRequest.newBuilder().setPruned(TellRequest.Pruned.getDefaultInstance()));
  }

  public Trial failed(String reason, boolean retryable) {
    return tell(TellRequest.newBuilder().setFailed(TellRequest.Failed.newBuilder().setReason(reason)
        .setRetryable(retryable)));
  }

  public Trial infeasible(String reason) {
    return tell(TellRequest.newBuilder().setInfeasible(TellRequest.Infeasible.newBuilder().setReason(reason)));
  }

  private Trial tell(TellRequest.Builder outcome) {
    if (!open) {
      throw new IllegalStateException("trial " + name() + " was already told");
    }
    TellRequest request = outcome.setTrial(trial.getName()).setLeaseId(leaseId)
        .setRequestId(UUID.randomUUID().toString()).build();
    try {
      return call(() -> client.workers().tell(request)).getTrial();
    } finally {
      end();
    }
  }

  private void beat() {
    if (!open) {
      return;
    }
    try {
      ReportResponse ignored = client.workers().report(ReportRequest.newBuilder().setTrial(trial.getName())
          .setLeaseId(leaseId).build());
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
      throw new LeaseLostException("lost the lease of " + name() + ": " + leaseLost.getStatus().getDescription(),
          leaseLost);
    }
    try {
      return rpc.get();
    } catch (StatusRuntimeException e) {
      if (VernierClient.isLeaseLoss(e)) {
        end();
        throw new LeaseLostException("lost the lease of " + name() + ": " + e.getStatus().getDescription(), e);
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
