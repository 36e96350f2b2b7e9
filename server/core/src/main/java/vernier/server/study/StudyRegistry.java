package vernier.server.study;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vernier.server.ApiException;
import vernier.server.Protos;
import vernier.server.ResourceNames;
import vernier.server.check.CheckedRestore;
import vernier.server.cluster.NotOwnerException;
import vernier.server.cluster.StudyOwnership;
import vernier.server.spec.StudySpecs;
import vernier.server.storage.Store;
import vernier.server.storage.StoredStudy;
import vernier.server.storage.StudyData;
import vernier.v1.ExportedStudy;
import vernier.v1.Study;
import vernier.v1.StudyRecord;
import vernier.v1.StudySpec;
import vernier.v1.TrialCounts;

/**
 * All studies: creates them, loads their coordinators on first use, deletes them, and runs the
 * lease reaper that wakes studies whose leases may have expired.
 *
 * <p>With replicas on one database ({@link StudyOwnership}), a study's coordinator is loaded only
 * on the replica that claims it; elsewhere {@link #coordinator} throws {@link NotOwnerException}
 * and the gRPC services forward the call. A study this replica loses is dropped at once: its
 * watchers are told to resume elsewhere, and calls still queued fail UNAVAILABLE (the fence refuses
 * their writes), so clients retry through the new owner.
 */
@Singleton
public final class StudyRegistry implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StudyRegistry.class);
  private static final long REAP_INTERVAL_MILLIS = 250;

  /** Told when a study's coordinator is loaded or removed (metrics register gauges). */
  public interface Listener extends StudyCoordinator.Events {
    void loaded(StudyCoordinator coordinator);

    void removed(StudyCoordinator coordinator);

    /** Another replica owns {@code study} now: this one stopped serving it. */
    default void moved(String study) {}
  }

  private final Store store;
  private final StudySpecs specs;
  private final Clock clock;
  private final StudyExecutor executor;
  private final Listener listener;
  private final StudyOwnership ownership;
  private final ConcurrentHashMap<String, StudyCoordinator> loaded = new ConcurrentHashMap<>();
  private final ScheduledExecutorService reaper =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "vernier-lease-reaper");
            t.setDaemon(true);
            return t;
          });

  @Inject
  StudyRegistry(
      Store store, StudySpecs specs, Clock clock, StudyExecutor executor, Listener listener) {
    this.store = store;
    this.specs = specs;
    this.clock = clock;
    this.executor = executor;
    this.listener = listener;
    this.ownership = store.ownership();
    ownership.onLost(this::lost);
  }

  /** Drops the coordinator of a study another replica owns now. */
  private void lost(String studyId) {
    StudyCoordinator c = loaded.remove(studyId);
    if (c != null) {
      c.moved();
      listener.removed(c);
      listener.moved(studyId);
    }
  }

  /**
   * Loads every stored study (so leases of trials running before a restart are reaped) and starts
   * the reaper.
   */
  public void start() {
    if (!ownership.sole()) { // replicas claim studies on first use, so they share them out
      startReaper();
      return;
    }
    for (StoredStudy s : store.listStudies()) {
      try {
        coordinator(s.id());
      } catch (RuntimeException e) { // e.g. its plugin is no longer installed; serve the others
        log.error("study {} cannot be served: {}", s.id(), e.getMessage());
      }
    }
    startReaper();
  }

  private void startReaper() {
    reaper.scheduleWithFixedDelay(
        this::reap, REAP_INTERVAL_MILLIS, REAP_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void reap() {
    long now = clock.millis();
    for (StudyCoordinator c : loaded.values()) {
      if (c.leaseMayHaveExpired(now)) {
        c.reap();
      }
    }
  }

  /**
   * Creates a study. The same id with the same spec returns the existing study; with another spec
   * it is ALREADY_EXISTS.
   */
  public Study create(String studyId, StudySpec requested, boolean validateOnly) {
    ResourceNames.newStudyId("study_id", studyId);
    StudySpec spec = specs.withDefaults(requested);
    long seed = spec.hasSeed() ? spec.getSeed().getValue() : ThreadLocalRandom.current().nextLong();
    StudySpecs.Compiled compiled =
        specs.compile(studyId, spec, seed); // validates everything, plugins included
    StoredStudy study =
        new StoredStudy(studyId, spec, Study.State.ACTIVE, seed, clock.instant(), 0);
    if (validateOnly) {
      return Study.newBuilder()
          .setName(Protos.studyName(studyId))
          .setSpec(spec)
          .setState(Study.State.ACTIVE)
          .setCreateTime(Protos.timestamp(study.createTime()))
          .setTrialCounts(TrialCounts.getDefaultInstance())
          .setSamplerDescription(compiled.sampler().description())
          .build();
    }
    if (!store.createStudy(study)) {
      Study existing = await(coordinator(studyId).study());
      if (!existing.getSpec().equals(spec)) {
        throw ApiException.alreadyExists(
            "study " + Protos.studyName(studyId) + " exists with a different spec");
      }
      return existing;
    }
    log.info("created study {}", studyId);
    return await(coordinator(studyId, compiled).study());
  }

  /**
   * Stores a study exported elsewhere ({@code RestoreStudy}), all of it in one transaction, and
   * serves it from here.
   *
   * @throws ApiException INVALID_ARGUMENT naming what is wrong in {@code records}; ALREADY_EXISTS
   *     when the id is taken
   */
  public Study restore(List<StudyRecord> records) {
    ExportedStudy header = CheckedRestore.study(records);
    String id = header.getStudyId();
    StudySpecs.Compiled compiled = specs.compile(id, header.getSpec(), header.getSeed());
    StudyData data = CheckedRestore.of(records, compiled.definition());
    if (!store.restoreStudy(data)) {
      throw ApiException.alreadyExists(
          "study "
              + Protos.studyName(id)
              + " exists; delete it first, or restore under another id"
              + " (vernier study import --study-id)");
    }
    log.info("restored study {}: {} trials", id, data.trials().size());
    return await(coordinator(id, compiled).study());
  }

  /**
   * Everything stored for a study, as one snapshot read from the store (any replica can read it).
   *
   * @throws ApiException NOT_FOUND
   */
  public StudyData stored(String studyId) {
    return store
        .loadStudy(studyId)
        .orElseThrow(() -> ApiException.notFound("study " + Protos.studyName(studyId)));
  }

  /**
   * The coordinator of a study, loading it on first use.
   *
   * @throws NotOwnerException when another replica owns the study
   */
  public StudyCoordinator coordinator(String studyId) {
    return coordinator(studyId, null);
  }

  private StudyCoordinator coordinator(String studyId, StudySpecs.Compiled justCompiled) {
    StudyCoordinator c = loaded.get(studyId);
    if (c != null) {
      return c;
    }
    return loaded.computeIfAbsent(
        studyId,
        id -> {
          // claimed once per load, under the map's lock for this id: one coordinator per epoch
          StudyOwnership.Claim claim = ownership.claim(id);
          if (claim instanceof StudyOwnership.Elsewhere owner) {
            throw new NotOwnerException(id, owner.address());
          } // owned, or missing: loading says NOT_FOUND
          long epoch = claim instanceof StudyOwnership.Owned owned ? owned.epoch() : 0;
          StudyCoordinator created =
              new StudyCoordinator(
                  id, store, specs, clock, executor, listener, justCompiled, epoch);
          listener.loaded(created);
          return created;
        });
  }

  public List<String> studyIds() {
    return store.listStudies().stream().map(StoredStudy::id).toList();
  }

  public void delete(String studyId) {
    StudyCoordinator c = coordinator(studyId);
    await(c.delete());
    loaded.remove(studyId, c);
    listener.removed(c);
    log.info("deleted study {}", studyId);
  }

  /** Waits for a coordinator's answer, unwrapping its error. */
  public static <T> T await(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw e;
    }
  }

  @Override
  public void close() {
    reaper.shutdownNow();
  }
}
