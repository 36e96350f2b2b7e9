package vernier.server.metrics;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import vernier.server.storage.Store;
import vernier.server.study.StudyCoordinator;
import vernier.server.study.StudyRegistry;
import vernier.spi.TrialState;

/**
 * Every metric Vernier exports, defined in one place (see docs/metrics.md). Micrometer dot names
 * with the {@code vernier.} prefix and base units; the only high-cardinality-looking label is
 * {@code study}, bounded by the studies that exist. Trial ids are never labels.
 */
@Singleton
public final class VernierMetrics implements StudyRegistry.Listener, Store.CommitListener {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Timer commits;
  private final DistributionSummary commitSize;
  private final Map<String, List<Meter>> studyMeters = new ConcurrentHashMap<>();
  private final Map<String, Counter> pruneCounters = new ConcurrentHashMap<>();
  private final Map<String, Timer> rpcTimers = new ConcurrentHashMap<>();

  @Inject
  public VernierMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    commits =
        Timer.builder("vernier.storage.commit")
            .description("Duration of one durable storage transaction (group commit)")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(100_000))
            .maximumExpectedValue(Duration.ofSeconds(5))
            .register(registry);
    commitSize =
        DistributionSummary.builder("vernier.storage.commit.writes")
            .description("Requests committed together in one storage transaction")
            .register(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition (0.0.4) of every metric. */
  public String scrape() {
    return registry.scrape();
  }

  /** Every metric in the exposition format of {@code contentType} (OpenMetrics or text 0.0.4). */
  public String scrape(String contentType) {
    return registry.scrape(contentType);
  }

  /** Times one RPC by method and final status code. */
  public void rpc(String method, String code, long nanos) {
    rpcTimers
        .computeIfAbsent(
            method + ' ' + code,
            k ->
                Timer.builder("vernier.rpc")
                    .description("gRPC calls served, by method and status code")
                    .tags("method", method, "code", code)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(50_000))
                    .maximumExpectedValue(Duration.ofSeconds(10))
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void committed(long nanos, int writes) {
    commits.record(nanos, TimeUnit.NANOSECONDS);
    commitSize.record(writes);
  }

  @Override
  public void decided(String study, boolean pruned) {
    String decision = pruned ? "prune" : "continue";
    pruneCounters
        .computeIfAbsent(
            study + "/" + decision,
            k ->
                Counter.builder("vernier.prune.decisions")
                    .description("Pruner decisions on reports, by study and decision")
                    .tags("study", study, "decision", decision)
                    .register(registry))
        .increment();
  }

  @Override
  public void loaded(StudyCoordinator c) {
    Tags study = Tags.of("study", c.id());
    List<Meter> meters = new ArrayList<>();
    for (TrialState state : TrialState.values()) {
      meters.add(
          Gauge.builder("vernier.trials", c.stats(), s -> s.trials(state))
              .description("Trials of a study by state")
              .tags(study.and("state", state.name().toLowerCase(Locale.ROOT)))
              .register(registry));
    }
    meters.add(
        Gauge.builder("vernier.leases.active", c.stats(), s -> s.trials(TrialState.ACTIVE))
            .description("Trials currently leased to a worker")
            .tags(study)
            .register(registry));
    meters.add(
        Gauge.builder("vernier.workers.active", c.stats(), s -> s.activeWorkers())
            .description("Distinct worker ids holding a lease")
            .tags(study)
            .register(registry));
    meters.add(
        Gauge.builder("vernier.study.best.value", c.stats(), s -> s.bestValue())
            .description("Best feasible value of the first objective (NaN before any)")
            .tags(study)
            .register(registry));
    studyMeters.put(c.id(), meters);
  }

  @Override
  public void removed(StudyCoordinator c) {
    List<Meter> meters = studyMeters.remove(c.id());
    if (meters != null) {
      meters.forEach(registry::remove);
    }
    pruneCounters
        .entrySet()
        .removeIf(
            e -> {
              if (e.getKey().startsWith(c.id() + "/")) {
                registry.remove(e.getValue());
                return true;
              }
              return false;
            });
  }
}
