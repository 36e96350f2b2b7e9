package vernier.server.health;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.grpc.BindableService;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import vernier.server.storage.Store;

/**
 * Whether this server should get traffic, in one place: {@code /readyz}, {@code /healthz} and the
 * gRPC health service all read it, so they never disagree. Ready means started, not draining, and
 * the store committed a probe write recently; live means the process has not stopped.
 *
 * <p>The store is probed from a background thread every {@link Timing#probeInterval()}, never from
 * a request, so health checks cost no writes however often they come. A probe that has not returned
 * after {@link Timing#probeTimeout()} counts as a failure (a hung disk), as does one that threw.
 */
@Singleton
public final class Readiness implements AutoCloseable {

  /**
   * How often the store is probed, and how long a probe may take before it counts as failed.
   *
   * @param probeInterval time between two probes
   * @param probeTimeout a probe still running after this is a failure (a hung disk)
   */
  public record Timing(Duration probeInterval, Duration probeTimeout) {
    public static final Timing DEFAULT = new Timing(Duration.ofSeconds(5), Duration.ofSeconds(10));
  }

  /** The server's life, in order. */
  public enum Phase {
    STARTING,
    SERVING,
    DRAINING,
    STOPPED
  }

  /** One named check and its failure, or null when it passed. */
  public record Check(String name, String problem) {
    public boolean ok() {
      return problem == null;
    }
  }

  private final Store store;
  private final Timing timing;
  private final HealthStatusManager grpcHealth = new HealthStatusManager();
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(daemon("vernier-readiness"));
  private final ExecutorService prober = Executors.newSingleThreadExecutor(daemon("vernier-probe"));
  private final AtomicBoolean probing = new AtomicBoolean();
  private volatile Phase phase = Phase.STARTING;
  private volatile String storeProblem;
  private volatile long probeStartNanos;

  @Inject
  public Readiness(Store store, Timing timing) {
    this.store = store;
    this.timing = timing;
    publish();
  }

  /** The gRPC health service ({@code grpc.health.v1.Health}) that reports the same readiness. */
  public BindableService grpcHealthService() {
    return grpcHealth.getHealthService();
  }

  /** Starts probing the store; the phase stays STARTING until {@link #serving()}. */
  public void startProbing() {
    probeStore();
    long interval = timing.probeInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::probeStore, interval, interval, TimeUnit.MILLISECONDS);
    // republished often so a probe that hangs turns the gRPC status NOT_SERVING in time
    long publish = Math.max(1, interval / 5);
    scheduler.scheduleWithFixedDelay(this::publish, publish, publish, TimeUnit.MILLISECONDS);
  }

  public void serving() {
    move(Phase.SERVING);
  }

  public void draining() {
    move(Phase.DRAINING);
  }

  public void stopped() {
    move(Phase.STOPPED);
    grpcHealth.enterTerminalState();
    scheduler.shutdownNow();
    prober.shutdownNow();
  }

  private void move(Phase next) {
    phase = next;
    publish();
  }

  public Phase phase() {
    return phase;
  }

  /** The checks behind readiness, in a fixed order. */
  public List<Check> readinessChecks() {
    return List.of(new Check("serving", servingProblem()), new Check("store", storeProblem()));
  }

  public boolean ready() {
    return readinessChecks().stream().allMatch(Check::ok);
  }

  /** Alive until stopped: a draining or store-less server is still a healthy process. */
  public boolean live() {
    return phase != Phase.STOPPED;
  }

  private String servingProblem() {
    return switch (phase) {
      case SERVING -> null;
      case STARTING -> "starting: loading studies";
      case DRAINING -> "draining: shutting down";
      case STOPPED -> "stopped";
    };
  }

  private String storeProblem() {
    if (probing.get()) {
      long waited = System.nanoTime() - probeStartNanos;
      if (waited > timing.probeTimeout().toNanos()) {
        return "no commit for "
            + TimeUnit.NANOSECONDS.toSeconds(waited)
            + " s ("
            + store.describe()
            + ")";
      }
    }
    return storeProblem;
  }

  /** Runs one probe unless one is still running (a hung store must not pile them up). */
  private void probeStore() {
    if (!probing.compareAndSet(false, true)) {
      return;
    }
    probeStartNanos = System.nanoTime();
    prober.execute(
        () -> {
          try {
            store.probe();
            storeProblem = null;
          } catch (RuntimeException e) {
            storeProblem = "cannot commit: " + e.getMessage() + " (" + store.describe() + ")";
          } finally {
            probing.set(false);
            publish();
          }
        });
  }

  private void publish() {
    if (phase == Phase.STOPPED) {
      return;
    }
    ServingStatus status = ready() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    grpcHealth.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, status);
    grpcHealth.setStatus("vernier.v1.StudyService", status);
    grpcHealth.setStatus("vernier.v1.WorkerService", status);
  }

  @Override
  public void close() {
    stopped();
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
