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
import vernier.server.BuildInfo;
import vernier.server.storage.Store;
import vernier.server.study.StudyCoordinator;
import vernier.server.study.StudyRegistry;
import vernier.spi.Objective;
import vernier.spi.TrialState;
import vernier.v1.AskResponse;

/**
 * Every metric Vernier exports, defined in one place (see docs/metrics.md). Micrometer dot names
 * with the {@code vernier.} prefix and base units; the only high-cardinality-looking label is
 * {@code study}, bounded by the studies that exist. Trial ids are never labels.
 */
@Singleton
public final class VernierMetrics implements StudyRegistry.Listener, Store.CommitListener {

  /**
   * The latency histograms' buckets: a dozen readable SLO bounds from 1 ms to 10 s (Micrometer's
   * percentile histogram would add ~70 buckets per series, labelled like {@code le="5.4611E-5"}).
   */
  static final Duration[] LATENCY_BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(10)
  };

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Timer commits;
  private final DistributionSummary commitSize;
  private final Map<String, List<Meter>> studyMeters = new ConcurrentHashMap<>();
  private final Map<String, Counter> pruneCounters = new ConcurrentHashMap<>();
  private final Map<String, Timer> rpcTimers = new ConcurrentHashMap<>();
  private final Map<String, Counter> askCounters = new ConcurrentHashMap<>();
  private final Map<String, Timer> samplerCalls = new ConcurrentHashMap<>();
  private final Map<String, DistributionSummary> samplerBatches = new ConcurrentHashMap<>();
  private final Map<String, Counter> forwardCounters = new ConcurrentHashMap<>();
  private final Counter studiesMoved;

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
            .serviceLevelObjectives(LATENCY_BUCKETS)
            .register(registry);
    commitSize =
        DistributionSummary.builder("vernier.storage.commit.writes")
            .description("Requests committed together in one storage transaction")
            .register(registry);
    Gauge.builder("vernier.studies.served", studyMeters, Map::size)
        .description("Studies this server serves: all of them alone, those it owns among replicas")
        .register(registry);
    studiesMoved =
        Counter.builder("vernier.studies.moved")
            .description(
                "Studies this replica stopped serving because another replica owns them now")
            .register(registry);
    Gauge.builder("vernier.build.info", () -> 1)
        .description("The running Vernier's version and git commit (always 1)")
        .tags("version", BuildInfo.version(), "commit", BuildInfo.commit())
        .register(registry);
  }

  /**
   * Counts one answered ask by study and outcome: {@code assigned}, {@code wait}, {@code
   * study_done}.
   */
  public void asked(String study, AskResponse.Status status) {
    String outcome = status.name().toLowerCase(Locale.ROOT);
    askCounters
        .computeIfAbsent(
            study + "/" + outcome,
            k ->
                Counter.builder("vernier.asks")
                    .description("Asks answered, by study and outcome (assigned, wait, study_done)")
                    .tags("study", study, "outcome", outcome)
                    .register(registry))
        .increment();
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
                    .serviceLevelObjectives(LATENCY_BUCKETS)
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
  public void sampled(String study, int suggestions, long nanos, boolean onStudyThread) {
    String thread = onStudyThread ? "study" : "pool";
    samplerCalls
        .computeIfAbsent(
            study + "/" + thread,
            k ->
                Timer.builder("vernier.sampler.calls")
                    .description(
                        "Sampler calls by study and where they ran (study: its own thread, a"
                            + " sampler measured cheap; pool: the sampling pool)")
                    .tags("study", study, "thread", thread)
                    .serviceLevelObjectives(LATENCY_BUCKETS)
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
    samplerBatches
        .computeIfAbsent(
            study + "/",
            k ->
                DistributionSummary.builder("vernier.sampler.batch.size")
                    .description("Suggestions one sampler call made: the asks waiting together")
                    .tags("study", study)
                    .register(registry))
        .record(suggestions);
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
    Objective first = c.objectives().get(0);
    meters.add(
        Gauge.builder("vernier.study.best.value", c.stats(), s -> s.bestValue())
            .description("Best feasible value of the first objective (NaN before any)")
            .tags(
                study.and(
                    "metric",
                    first.metric(),
                    "direction",
                    first.direction().name().toLowerCase(Locale.ROOT)))
            .register(registry));
    studyMeters.put(c.id(), meters);
  }

  /** Counts a call this replica forwarded to the owner of its study ({@code method}: "Ask"). */
  public void forwarded(String method) {
    forwardCounters
        .computeIfAbsent(
            method,
            m ->
                Counter.builder("vernier.forwarded.calls")
                    .description("Calls forwarded to the replica that owns their study")
                    .tags("method", m)
                    .register(registry))
        .increment();
  }

  @Override
  public void moved(String study) {
    studiesMoved.increment();
  }

  @Override
  public void removed(StudyCoordinator c) {
    List<Meter> meters = studyMeters.remove(c.id());
    if (meters != null) {
      meters.forEach(registry::remove);
    }
    removeStudyCounters(pruneCounters, c.id());
    removeStudyCounters(askCounters, c.id());
    removeStudyCounters(samplerCalls, c.id());
    removeStudyCounters(samplerBatches, c.id());
  }

  private void removeStudyCounters(Map<String, ? extends Meter> counters, String study) {
    counters
        .entrySet()
        .removeIf(
            e -> {
              if (e.getKey().startsWith(study + "/")) {
                registry.remove(e.getValue());
                return true;
              }
              return false;
            });
  }
}
