package vernier.server.study;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Predicate;
import vernier.server.check.CheckedAsk;
import vernier.server.check.CheckedSuggestion;
import vernier.server.spec.StudySpecs;
import vernier.spi.PluginUnavailableException;
import vernier.spi.SamplingContext;
import vernier.spi.StudyView;
import vernier.spi.Suggestion;
import vernier.v1.AskResponse;

/**
 * Keeps a study's sampler off its hot path: asks that need a new trial are parked here, and one
 * sampling job at a time (so the sampler is called by one thread at a time, as the SPI promises)
 * asks the sampler for all of them at once, on a snapshot of the study, on the sampling pool. Its
 * result goes back to the study's mailbox, where the parked asks are served in arrival order. Asks
 * that arrive meanwhile park for the next job, so a slow sampler batches more asks per call instead
 * of queueing one call per ask. After the sampler was unavailable, no job starts until a back-off
 * (1 s, doubling to 30 s) has passed: a down remote sampler costs one timeout per pause.
 *
 * <p>Everything but {@link #launch}'s job runs on the study's thread.
 */
final class SamplingPipeline {

  /** The most suggestions one job asks for. */
  static final int MAX_BATCH = 64;

  /**
   * Below this cost per suggestion the sampler is called on the study's thread: a quarter of a
   * millisecond, under one commit's fsync, so a report queued behind the call waits less than the
   * round trip through the sampling pool would cost.
   */
  static final long INLINE_NANOS = 250_000;

  private static final int MIN_CHEAP_STREAK = 16;
  private static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /** An ask waiting for the sampler, with its repeats (same worker and request id) after it. */
  record Parked(CheckedAsk ask, List<Pending<AskResponse>> callers) {

    Parked(CheckedAsk ask, Pending<AskResponse> caller) {
      this(ask, new ArrayList<>(List.of(caller)));
    }

    /** Every caller gets {@code answer} once {@code changes} commit. */
    void answer(AskResponse answer, Changes changes) {
      callers.forEach(
          c -> {
            c.answer(answer);
            changes.answered(c);
          });
    }

    void fail(RuntimeException error, Changes changes) {
      callers.forEach(
          c -> {
            c.fail(error);
            changes.answered(c);
          });
    }
  }

  /**
   * What a job brought back: the checked suggestions for trials numbered from {@code firstNumber}
   * on, then, when fewer than asked, why ({@link Suggestion.Wait} or {@link Suggestion.Exhausted};
   * null when the sampler gave all that was asked); or the sampler's failure.
   */
  record Result(
      StudySpecs.Compiled plugins,
      long firstNumber,
      Deque<CheckedSuggestion> suggestions,
      Suggestion ended,
      Throwable failure,
      long nanos,
      int answered) {}

  private final Executor pool;
  private final Clock clock;
  private final Deque<Parked> parked = new ArrayDeque<>();
  private boolean running;

  /** Suggestions in a row whose calls measured under {@link #INLINE_NANOS} each. */
  private int cheapStreak;

  /** Suggestions made but not handed out yet (more than the asks took), by {@link #spareFrom}. */
  private final Deque<Spare> spare = new ArrayDeque<>();

  private StudySpecs.Compiled spareFrom;

  /**
   * A suggestion not handed out yet, and the first trial number its sampler's snapshot did not see:
   * a trial enqueued or imported from there on with the same point took it.
   */
  record Spare(CheckedSuggestion suggestion, long unseenFrom) {}

  private Instant retryAt = Instant.MIN;
  private Duration backoff = MIN_BACKOFF;
  private String failure = "";

  SamplingPipeline(Executor pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /**
   * Fails at once while backing off from an unavailable sampler (so the ask is answered UNAVAILABLE
   * without waiting for it).
   */
  void requireAvailable() {
    if (clock.instant().isBefore(retryAt)) {
      throw new PluginUnavailableException(
          failure + " (not asked again until " + retryAt.truncatedTo(ChronoUnit.MILLIS) + ")",
          null);
    }
  }

  void park(Parked ask) {
    parked.add(ask);
  }

  /** The parked ask from the same worker with the same request id, if any. */
  Parked parkedAs(CheckedAsk ask) {
    if (ask.requestId().isEmpty()) {
      return null;
    }
    for (Parked p : parked) {
      if (p.ask().requestId().equals(ask.requestId())
          && p.ask().workerId().equals(ask.workerId())) {
        return p;
      }
    }
    return null;
  }

  Deque<Parked> parked() {
    return parked;
  }

  /** How many trials the parked asks want. */
  int demand() {
    return parked.stream().mapToInt(p -> p.ask().count()).sum();
  }

  /** Whether a job may start now: asks are parked, none runs, and no back-off holds. */
  boolean mayLaunch() {
    return !parked.isEmpty() && !running && !clock.instant().isBefore(retryAt);
  }

  /**
   * What a sampling call needs: the study's plugins, the study as the sampler sees it (a snapshot
   * off the study's thread, the live view on it), how many trials, the random source, and which
   * label keys are in an installed sampler's namespace.
   */
  record Job(
      StudySpecs.Compiled plugins,
      String samplerName,
      StudyView view,
      int count,
      SplittableRandom random,
      Predicate<String> samplerLabel) {}

  /**
   * Whether the sampler is cheap enough to call on the study's thread: no job runs or waits, and
   * the calls that made the last {@value #MIN_CHEAP_STREAK} suggestions or more each measured under
   * {@value #INLINE_NANOS} ns per suggestion (a random or CMA-ES sampler: the round trip through
   * the sampling pool and a second commit would cost more than the call). Measured, so a sampler
   * that becomes expensive (gp after its random start-up) moves off the thread after its first
   * expensive call.
   */
  boolean cheap() {
    return !running
        && parked.isEmpty()
        && cheapStreak >= MIN_CHEAP_STREAK
        && !clock.instant().isBefore(retryAt);
  }

  /** Runs the sampler on the pool and hands the result to {@code done} (the study's mailbox). */
  void launch(Job job, Consumer<Result> done) {
    running = true;
    pool.execute(() -> done.accept(sample(job)));
  }

  /** Runs the sampler here, on the study's thread (when {@link #cheap}); the result is finished. */
  Result runHere(Job job) {
    Result result = sample(job);
    finished(result);
    return result;
  }

  private static Result sample(Job job) {
    long first = job.view().trials().size();
    long start = System.nanoTime();
    try {
      List<Suggestion> batch =
          job.plugins()
              .sampler()
              .suggestBatch(job.view(), job.count(), new SamplingContext(job.random()));
      if (batch.isEmpty() || batch.size() > job.count()) {
        throw new IllegalStateException(
            "sampler '"
                + job.samplerName()
                + "' answered "
                + batch.size()
                + " suggestions for "
                + job.count());
      }
      Deque<CheckedSuggestion> checked = new ArrayDeque<>();
      Suggestion ended = null;
      for (int i = 0; i < batch.size(); i++) {
        Suggestion s = batch.get(i);
        if (s instanceof Suggestion.Params params) {
          checked.add(
              CheckedSuggestion.of(
                  params,
                  job.view().definition(),
                  job.samplerName(),
                  n -> n >= 0 && n < first,
                  job.samplerLabel()));
        } else if (i == batch.size() - 1) {
          ended = s;
        } else {
          throw new IllegalStateException(
              "sampler '" + job.samplerName() + "' answered " + s + " before the end of a batch");
        }
      }
      return new Result(
          job.plugins(), first, checked, ended, null, System.nanoTime() - start, batch.size());
    } catch (RuntimeException | Error e) { // an OutOfMemoryError too: the asks must be answered
      return new Result(job.plugins(), first, new ArrayDeque<>(), null, e, 0, 0);
    }
  }

  /**
   * The suggestions not yet handed out, made by {@code plugins} (none when the study's plugins were
   * made afresh since: the new sampler decides anew).
   */
  /**
   * Whether suggestions made by {@code plugins} wait to be handed out (a read: nothing dropped).
   */
  boolean hasSpare(StudySpecs.Compiled plugins) {
    return spareFrom == plugins && !spare.isEmpty();
  }

  Deque<Spare> spare(StudySpecs.Compiled plugins) {
    if (spareFrom != plugins) {
      spare.clear();
      spareFrom = plugins;
    }
    return spare;
  }

  /** The job's result reached the study; its suggestions join the spare ones. */
  void finished(Result result) {
    running = false;
    if (result.answered() > 0) {
      boolean cheapCall = result.nanos() < INLINE_NANOS * (long) result.answered();
      cheapStreak = cheapCall ? cheapStreak + result.answered() : 0;
    }
    if (result.failure() == null) {
      Deque<Spare> kept = spare(result.plugins());
      result.suggestions().forEach(s -> kept.add(new Spare(s, result.firstNumber())));
    }
    if (result.failure() instanceof PluginUnavailableException e) {
      failure = e.getMessage();
      retryAt = clock.instant().plus(backoff);
      Duration doubled = backoff.multipliedBy(2);
      backoff = doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
    } else if (result.failure() == null) {
      backoff = MIN_BACKOFF;
    }
  }

  /** Removes and returns every parked ask (the study was deleted, or the sampler failed). */
  List<Parked> drain() {
    List<Parked> all = new ArrayList<>(parked);
    parked.clear();
    return all;
  }
}
