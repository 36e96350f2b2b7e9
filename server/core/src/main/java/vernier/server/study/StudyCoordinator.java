package vernier.server.study;

import io.grpc.stub.ServerCallStreamObserver;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vernier.server.ApiException;
import vernier.server.Protos;
import vernier.server.ResourceNames.TrialRef;
import vernier.server.check.CheckedAsk;
import vernier.server.check.CheckedImport;
import vernier.server.check.CheckedReport;
import vernier.server.check.Outcome;
import vernier.server.check.ParamsCheck;
import vernier.server.spec.StudySpecs;
import vernier.server.storage.Store;
import vernier.server.storage.Write;
import vernier.spi.Objective;
import vernier.spi.ParamValue;
import vernier.spi.PluginUnavailableException;
import vernier.spi.StudyDefinition;
import vernier.spi.StudyView;
import vernier.spi.Suggestion;
import vernier.spi.TrialState;
import vernier.v1.AskRequest;
import vernier.v1.AskResponse;
import vernier.v1.Decision;
import vernier.v1.ImportedTrial;
import vernier.v1.ReportRequest;
import vernier.v1.ReportResponse;
import vernier.v1.Study;
import vernier.v1.TellRequest;
import vernier.v1.Trial;
import vernier.v1.TrialEvent;
import vernier.v1.TrialParams;

/**
 * The actor of one study: every request on the study runs as a command on one logical thread (a
 * serial mailbox drained on a shared pool), so the study's memory needs no locks. Commands are
 * handled in batches: all commands waiting in the mailbox run in memory, their writes are committed
 * in one durable transaction, and only then are their answers sent. A failed commit reloads the
 * study from the store and fails the batch with UNAVAILABLE, so memory never runs ahead of what is
 * stored. Requests are checked before they are queued (package {@code vernier.server.check}); the
 * sampler runs off this thread ({@link SamplingPipeline}), so reports and tells never wait for it.
 */
public final class StudyCoordinator {

  private static final Logger log = LoggerFactory.getLogger(StudyCoordinator.class);
  private static final int MAX_BATCH = 256;

  private final String id;

  /**
   * The ownership epoch this coordinator was loaded under: its writes carry it, so once another
   * replica (or a later coordinator of this one) has claimed the study, they change nothing.
   */
  private final long epoch;

  private final Store store;
  private final StudySpecs specs;
  private final Clock clock;
  private final StudyExecutor executor;
  private final Events events;
  private final StudyStats stats = new StudyStats();
  private final SamplingPipeline sampling;
  private final Watchers watchers = new Watchers();

  /** Memory may differ from the store (a read-back failed): read it back before the next batch. */
  private boolean stale;

  /** The sampler failed as a bug: make the study's plugins afresh after this batch. */
  private boolean pluginsBroken;

  private final ConcurrentLinkedQueue<Pending<?>> mailbox = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  /** The loaded study; confined to the study's thread, replaced when read back. */
  private StudyState state;

  /** The study's definition, fixed at creation; read by request checks on callers' threads. */
  private final StudyDefinition definition;

  private volatile boolean deleted;

  /** The command being run, and when it arrived (lease checks use that, not the time it runs). */
  private Pending<?> current;

  /** Told what a study decided and how its sampler did, for metrics. */
  public interface Events {
    void decided(String study, boolean pruned);

    /**
     * A sampler call made {@code suggestions} suggestions in {@code nanos}, on the study's own
     * thread ({@code onStudyThread}, a sampler measured cheap) or on the sampling pool.
     */
    void sampled(String study, int suggestions, long nanos, boolean onStudyThread);
  }

  /**
   * Loads the study. {@code justCompiled}, when not null, is the spec compiled moments ago by its
   * creation, reused so plugins are not made twice (a grid enumerated twice, a choice logged
   * twice).
   */
  StudyCoordinator(
      String id,
      Store store,
      StudySpecs specs,
      Clock clock,
      StudyExecutor executor,
      Events events,
      StudySpecs.Compiled justCompiled,
      long epoch) {
    this.id = id;
    this.epoch = epoch;
    this.store = store;
    this.specs = specs;
    this.clock = clock;
    this.executor = executor;
    this.events = events;
    this.sampling = new SamplingPipeline(executor.sampling(), clock);
    this.state = StudyState.load(id, store, specs, clock, stats, justCompiled);
    this.definition = state.definition();
    state.publishStats();
  }

  public String id() {
    return id;
  }

  public StudyStats stats() {
    return stats;
  }

  /** The study's objectives, in order (fixed at creation). */
  public List<Objective> objectives() {
    return definition.objectives();
  }

  // ---- the mailbox -------------------------------------------------------------------------

  private <T> CompletableFuture<T> submit(Pending.Command<T> command) {
    Pending<T> p = new Pending<>(command, clock.instant());
    if (deleted) {
      p.future.completeExceptionally(notFound());
      return p.future;
    }
    mailbox.add(p);
    schedule();
    return p.future;
  }

  private ApiException notFound() {
    return ApiException.notFound("study " + Protos.studyName(id));
  }

  private void schedule() {
    if (!mailbox.isEmpty() && scheduled.compareAndSet(false, true)) {
      executor.execute(this::drain);
    }
  }

  private void drain() {
    try {
      List<Pending<?>> batch = new ArrayList<>();
      Pending<?> p;
      while ((p = mailbox.poll()) != null) {
        batch.add(p);
        if (batch.size() == MAX_BATCH || mailbox.isEmpty()) {
          process(batch);
          batch.clear();
        }
      }
      if (!batch.isEmpty()) {
        process(batch);
      }
    } finally {
      scheduled.set(false);
      schedule(); // a command may have arrived after the last poll
    }
  }

  private void process(List<Pending<?>> batch) {
    if (stale && !deleted && !reload(true)) {
      ApiException error =
          ApiException.unavailable(
              "study " + id + " could not be read back from the store after a failure; retry");
      batch.forEach(p -> p.fail(error));
      batch.forEach(Pending::complete);
      return;
    }
    Changes changes = new Changes(watchers.watched());
    boolean deletedBefore = deleted;
    boolean readBack = false; // memory may be ahead of what is stored: read it back
    boolean freshPlugins = false; // and after a bug, plugins whose state may be off too
    if (!deleted) {
      state.reapExpired(
          changes, batch.get(0).received); // not leases that ran out while heartbeats queued
    }
    for (Pending<?> p : batch) {
      Changes.Mark mark = changes.mark();
      current = p;
      try {
        if (deleted) {
          throw notFound();
        }
        p.run(changes);
      } catch (ApiException e) {
        p.fail(e); // a refusal; what it recorded first (an abandoned lease, a NaN failure) stands
      } catch (PluginUnavailableException e) {
        log.warn("study {}: {}", id, e.getMessage());
        p.fail(ApiException.unavailable(e.getMessage()));
        changes.rollbackTo(mark, ApiException.unavailable(e.getMessage()));
        readBack = true;
      } catch (RuntimeException | Error e) {
        // an Error (OutOfMemoryError, StackOverflowError) too: the command's changes are dropped,
        // memory is read back below and every caller is answered, so nothing acknowledged is lost
        log.error("study {}: command failed", id, e);
        ApiException error = ApiException.internal("study " + id + ": " + e);
        p.fail(error);
        changes.rollbackTo(mark, error); // nothing of a failed command is stored
        readBack = true;
        freshPlugins = true;
      }
    }
    List<Pending<?>> answers = new ArrayList<>(changes.answered);
    batch.stream().filter(p -> !p.parked()).forEach(answers::add);
    try {
      if (!changes.writes.isEmpty() && !commit(changes, answers)) {
        deleted = deletedBefore; // a delete in the batch was not committed either
        readBack = true;
        freshPlugins = true;
      }
      if (pluginsBroken) {
        pluginsBroken = false;
        readBack = true;
        freshPlugins = true;
      }
      if (readBack && !deleted) {
        reload(freshPlugins);
      }
    } finally {
      answers.forEach(Pending::complete);
    }
    if (deleted && !deletedBefore) {
      watchers.close(notFound());
      return;
    }
    watchers.publish(changes.events, state::snapshotEvents);
    state.publishStats();
    startSampling();
  }

  private boolean commit(Changes changes, List<Pending<?>> answers) {
    try {
      store.write(changes.writes, epoch);
      return true;
    } catch (RuntimeException | Error e) { // StoreException, or anything else on the way
      log.warn(
          "study {}: commit of {} writes failed, reloading: {}",
          id,
          changes.writes.size(),
          e.getMessage());
      ApiException error =
          ApiException.unavailable(
              "storage write failed, nothing was changed; retry: " + e.getMessage());
      answers.forEach(p -> p.fail(error));
      changes.events.clear();
      return false;
    }
  }

  /**
   * Reads the study back from the store, with fresh plugins or (an unavailable plugin) the same
   * ones; on failure the study stays {@link #stale}, and the next batch tries again before it
   * touches memory. Returns whether it succeeded.
   */
  private boolean reload(boolean freshPlugins) {
    try {
      state = StudyState.load(id, store, specs, clock, stats, freshPlugins ? null : state.compiled);
      stale = false;
      return true;
    } catch (RuntimeException | Error e) {
      log.error("study {}: reload failed", id, e);
      stale = true;
      return false;
    }
  }

  // ---- ask ---------------------------------------------------------------------------------

  public CompletableFuture<AskResponse> ask(AskRequest request) {
    CheckedAsk ask = CheckedAsk.of(request);
    return submit(changes -> ask(ask, changes));
  }

  /** The answer, or null when the ask was parked for the sampler (answered by a later batch). */
  @SuppressWarnings("unchecked") // the command being run is this ask's
  private AskResponse ask(CheckedAsk ask, Changes changes) {
    Pending<AskResponse> caller = (Pending<AskResponse>) current;
    List<Long> replayed = state.replayed(ask);
    if (replayed != null) {
      return state.assigned(replayed);
    }
    SamplingPipeline.Parked same = sampling.parkedAs(ask);
    if (same != null) { // the worker retried while its ask waits for the sampler
      same.callers().add(caller);
      caller.park();
      return null;
    }
    AskResponse answer = serve(ask, changes);
    if (answer != null) {
      return answer;
    }
    sampling.requireAvailable();
    if (sampling.cheap()) { // measured cheap: sampled here, no round trip (SamplingPipeline#cheap)
      SamplingPipeline.Result result = sampling.runHere(job(state.memory, ask.count()));
      told(result, true);
      answer = servedBy(result, ask, changes);
      if (answer != null) {
        return answer;
      }
    }
    sampling.park(new SamplingPipeline.Parked(ask, caller));
    caller.park();
    return null;
  }

  /** Serves an ask from waiting trials and spare suggestions; null when it needs the sampler. */
  private AskResponse serve(CheckedAsk ask, Changes changes) {
    return state.serve(ask, sampling.spare(state.compiled), changes);
  }

  /** Starts a sampling job for the parked asks, unless one runs (or they cannot be served). */
  private void startSampling() {
    if (deleted || stale || !sampling.mayLaunch()) {
      return;
    }
    int count = state.samplingRoom(Math.min(sampling.demand(), SamplingPipeline.MAX_BATCH));
    if (count <= 0) { // the parked asks are answered WAIT or STUDY_DONE
      submit(changes -> serveParked(null, changes));
      return;
    }
    sampling.launch(
        job(state.memory.snapshot(), count), result -> submit(changes -> sampled(result, changes)));
  }

  private SamplingPipeline.Job job(StudyView view, int count) {
    return new SamplingPipeline.Job(
        state.compiled,
        state.samplerName(),
        view,
        count,
        state.random(state.memory.nextNumber()),
        specs::isSamplerLabel);
  }

  private void told(SamplingPipeline.Result result, boolean onStudyThread) {
    if (result.answered() > 0) {
      events.sampled(id, result.answered(), result.nanos(), onStudyThread);
    }
  }

  /**
   * An ask served by a sampling call made for it on this thread; null when it must wait for a job.
   */
  private AskResponse servedBy(SamplingPipeline.Result result, CheckedAsk ask, Changes changes) {
    Throwable failure = result.failure();
    if (failure instanceof PluginUnavailableException e) {
      throw e;
    }
    if (failure != null) {
      throw new IllegalStateException(
          "sampler '" + state.samplerName() + "' failed: " + failure, failure);
    }
    if (result.ended() instanceof Suggestion.Exhausted) {
      state.exhausted = true;
    }
    AskResponse answer = serve(ask, changes);
    if (answer == null && result.ended() != null) {
      return StudyState.status(AskResponse.Status.WAIT);
    }
    return answer;
  }

  /** A sampling job's result reached the study: serve the parked asks with it. */
  private Void sampled(SamplingPipeline.Result result, Changes changes) {
    sampling.finished(result);
    told(result, false);
    if (result.plugins() != state.compiled) {
      return null; // the plugins were made afresh meanwhile: the asks sample again
    }
    Throwable failure = result.failure();
    if (failure != null) {
      ApiException error;
      if (failure instanceof PluginUnavailableException) {
        log.warn("study {}: {}", id, failure.getMessage());
        error = ApiException.unavailable(failure.getMessage());
      } else {
        log.error("study {}: sampler '{}' failed", id, state.samplerName(), failure);
        error = ApiException.internal("study " + id + ": " + failure);
        pluginsBroken = true;
      }
      sampling.drain().forEach(p -> p.fail(error, changes));
      return null;
    }
    if (result.ended() instanceof Suggestion.Exhausted) {
      state.exhausted = true;
    }
    return serveParked(result.ended(), changes);
  }

  /**
   * Serves the parked asks in arrival order; those that cannot be served stay parked for the next
   * sampling job, unless the sampler just {@code ended} with a Wait or Exhausted (they are told to
   * wait).
   */
  private Void serveParked(Suggestion ended, Changes changes) {
    Deque<SamplingPipeline.Parked> parked = sampling.parked();
    while (!parked.isEmpty()) {
      SamplingPipeline.Parked p = parked.peek();
      AskResponse answer = serve(p.ask(), changes);
      if (answer == null && ended == null) {
        break; // the next job serves it
      }
      parked.poll();
      p.answer(answer != null ? answer : StudyState.status(AskResponse.Status.WAIT), changes);
    }
    return null;
  }

  // ---- report and tell ---------------------------------------------------------------------

  public CompletableFuture<ReportResponse> report(TrialRef ref, ReportRequest request) {
    CheckedReport report = CheckedReport.of(request, specs::isSamplerLabel);
    return submit(changes -> report(ref, report, changes));
  }

  private ReportResponse report(TrialRef ref, CheckedReport report, Changes changes) {
    TrialRecord t = state.report(ref, report, current.received, changes);
    Decision decision = Decision.CONTINUE;
    if (state.stored.state() == Study.State.STOPPED) {
      decision = Decision.STOP;
    } else if (report.lastStep() >= 0) {
      boolean prune = state.compiled.pruner().shouldPrune(state.memory, t, report.lastStep());
      events.decided(id, prune);
      decision = prune ? Decision.PRUNE : Decision.CONTINUE;
    }
    return ReportResponse.newBuilder()
        .setDecision(decision)
        .setLeaseExpireTime(Protos.timestamp(t.leaseExpiry()))
        .build();
  }

  public CompletableFuture<Trial> tell(TrialRef ref, TellRequest request) {
    Outcome outcome = Outcome.of(request, definition);
    return submit(
        changes -> state.tell(ref, request.getLeaseId(), outcome, current.received, changes));
  }

  // ---- leases ------------------------------------------------------------------------------

  /** Whether some lease may have expired, so the reaper should send a command. */
  boolean leaseMayHaveExpired(long nowMillis) {
    return nowMillis >= stats.nextLeaseExpiryMillis;
  }

  CompletableFuture<Void> reap() {
    return submit(changes -> null); // every batch reaps first
  }

  // ---- management --------------------------------------------------------------------------

  public CompletableFuture<Study> study() {
    return submit(changes -> toStudy());
  }

  private Study toStudy() {
    return state.toStudy(sampling.hasSpare(state.compiled));
  }

  public CompletableFuture<Study> setState(Study.State to) {
    if (to != Study.State.ACTIVE && to != Study.State.PAUSED && to != Study.State.STOPPED) {
      throw ApiException.invalid("state", "must be ACTIVE, PAUSED or STOPPED");
    }
    return submit(
        changes -> {
          if (state.setState(to, changes)) {
            serveParked(null, changes); // told to wait or that it is done
          }
          return toStudy();
        });
  }

  public CompletableFuture<List<Trial>> enqueue(List<TrialParams> trials) {
    List<Map<String, ParamValue>> checked = new ArrayList<>();
    for (int i = 0; i < trials.size(); i++) {
      checked.add(
          ParamsCheck.wire(
              definition.space(), trials.get(i).getParamsMap(), "trials[" + i + "].params"));
    }
    return submit(
        changes -> {
          List<Trial> out = checked.stream().map(params -> state.enqueue(params, changes)).toList();
          serveParked(null, changes); // parked asks take them first
          return out;
        });
  }

  public CompletableFuture<List<Trial>> importTrials(List<ImportedTrial> trials) {
    List<CheckedImport> checked = CheckedImport.all(trials, definition);
    return submit(
        changes ->
            checked.stream().map(imported -> state.importFinished(imported, changes)).toList());
  }

  public CompletableFuture<Trial> getTrial(TrialRef ref) {
    return submit(changes -> state.trial(ref).toProto(id, true));
  }

  /**
   * One page of trials from number {@code from} on, and the number to continue from (-1 at the
   * end).
   */
  public record TrialPage(List<Trial> trials, long next) {}

  public CompletableFuture<TrialPage> listTrials(
      long from, int pageSize, Set<TrialState> states, boolean measurements) {
    return submit(
        changes -> {
          List<Trial> page = new ArrayList<>();
          long n = Math.max(0, from);
          StudyMemory memory = state.memory;
          for (; n < memory.nextNumber() && page.size() < pageSize; n++) {
            TrialRecord t = memory.get(n);
            if (states.isEmpty() || states.contains(t.state())) {
              page.add(t.toProto(id, measurements));
            }
          }
          return new TrialPage(page, n < memory.nextNumber() ? n : -1);
        });
  }

  public CompletableFuture<List<Trial>> bestTrials() {
    return submit(
        changes -> BestTrials.of(state.memory).stream().map(t -> t.toProto(id, false)).toList());
  }

  // ---- watching ----------------------------------------------------------------------------

  /**
   * Adds a watcher. Call it on the call's own thread, before the service method returns: it sets
   * the stream's ready handler, which asks for a catch-up batch when a watcher that fell behind
   * reads again (so it is brought up to date even if the study is quiet).
   */
  public CompletableFuture<Void> watch(ServerCallStreamObserver<TrialEvent> observer) {
    Watchers.Watcher watcher = new Watchers.Watcher(observer);
    observer.setOnReadyHandler(
        () -> {
          if (watcher.behind) {
            submit(changes -> null); // an empty batch: its publish sends the snapshot
          }
        });
    return submit(
        changes -> {
          watchers.join(watcher); // gets its snapshot after this batch's events are published
          return null;
        });
  }

  /**
   * Deletes the study as one command of its batch: the deletion is the batch's last write, in the
   * same transaction as the others, so they commit or fail together; commands after it in the batch
   * and asks waiting for the sampler get NOT_FOUND. Watchers are told once it is committed.
   */
  CompletableFuture<Void> delete() {
    return submit(
        changes -> {
          changes.write(new Write.DeleteStudy(id));
          deleted = true;
          sampling.drain().forEach(p -> p.fail(notFound(), changes));
          return null;
        });
  }

  /**
   * Another replica owns the study now: watchers end with UNAVAILABLE (a client watches again,
   * through the new owner, and gets its snapshot) and asks waiting for the sampler fail
   * UNAVAILABLE. Calls already queued here still run, and the store's fence refuses their writes,
   * so they fail UNAVAILABLE too and are retried through the new owner.
   */
  void moved() {
    ApiException moved =
        ApiException.unavailable(
            "study "
                + id
                + " moved to another replica; retry (a watch starts again from a snapshot)");
    submit(
        changes -> {
          sampling.drain().forEach(p -> p.fail(moved, changes));
          watchers.close(moved);
          return null;
        });
  }

  // ---- stats -------------------------------------------------------------------------------

}
