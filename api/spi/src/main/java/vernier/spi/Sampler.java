package vernier.spi;

import java.util.ArrayList;
import java.util.List;

/**
 * A search strategy. One instance serves one study; the server calls {@link #suggest} and {@link
 * #suggestBatch} for one study from one thread at a time (not always the same thread, and not the
 * thread that serves the study's reports and tells), so implementations need not be thread-safe.
 */
public interface Sampler {

  /**
   * Proposes the parameters of the next trial. {@link StudyView#running()} lists trials whose
   * parameters are taken, so parallel workers can be given distinct points.
   */
  Suggestion suggest(StudyView study, SamplingContext context);

  /**
   * Proposes up to {@code count} trials at once, for workers that asked at the same moment. Every
   * element but the last is a {@link Suggestion.Params}; the last may instead be {@link
   * Suggestion.Wait} or {@link Suggestion.Exhausted}, saying why the list is shorter than asked.
   *
   * <p>The default calls {@link #suggest} up to {@code count} times; each call sees the earlier
   * suggestions of the batch as running trials (numbered after the study's trials), so samplers
   * that keep pending points apart (a liar, a grid, a population) do not repeat themselves.
   * Override it when one model can serve the whole batch (fit once, then pick several points).
   */
  default List<Suggestion> suggestBatch(StudyView study, int count, SamplingContext context) {
    requireCount(count);
    List<Suggestion> out = new ArrayList<>(count);
    WithPending view = new WithPending(study);
    while (out.size() < count) {
      Suggestion s = suggest(view, context);
      out.add(s);
      if (!(s instanceof Suggestion.Params params)) {
        break;
      }
      view.add(params);
    }
    return out;
  }

  /**
   * Refuses a batch size below 1, for implementations of {@link #suggestBatch}.
   *
   * @throws IllegalArgumentException naming the count
   */
  static void requireCount(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1, got " + count);
    }
  }

  /**
   * What this sampler is, in a few words for people, shown with the study ({@code vernier study
   * show}, the API's {@code Study.sampler_description}): e.g. a sampler that picks another says
   * which and why. Empty (the default) when the sampler's name says it all. May be called from any
   * thread at any time: return a value fixed when the sampler was made.
   */
  default String description() {
    return "";
  }
}
