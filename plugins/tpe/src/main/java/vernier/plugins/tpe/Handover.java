package vernier.plugins.tpe;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import vernier.spi.Sampler;
import vernier.spi.SamplingContext;
import vernier.spi.StudyView;
import vernier.spi.Suggestion;
import vernier.spi.TrialView;

/**
 * {@code auto}'s plan for one objective: {@code gp} while its cost pays, then a sampler that still
 * learns and costs far less per trial ({@code cmaes}, warm-started from every trial so far, or
 * {@code tpe}). The handover is for good, at the first batch where either
 *
 * <ul>
 *   <li>the study holds {@code gpMaxTrials} trials: the GP's cubic fit and its capped model stop
 *       paying (a study whose budget is smaller never gets there), or
 *   <li>{@code waitingLimit} or more asks wait at once for one sampling call: the workers are
 *       waiting for the sampler, and each point of a GP batch costs an acquisition search. Not for
 *       a study whose budget is at most {@code gpMaxTrials}: with few trials each one matters more
 *       than the time it takes (measured: with 32 workers and 100 trials, handing over lost to
 *       Optuna's TPE on three problems).
 * </ul>
 *
 * <p>Every trial it suggests is labelled {@code auto.sampler} with the sampler that made it, so a
 * rebuilt {@code auto} (a server restart) finds the handover in the trials and continues after it.
 */
final class Handover implements Sampler {

  static final String LABEL = "auto.sampler";

  private final Sampler first;
  private final String firstName;
  private final String nextName;
  private final LongFunction<Sampler> next;
  private final int gpMaxTrials;
  private final int waitingLimit;
  private final boolean smallBudget;
  private final String plan;
  private Sampler current;
  private volatile String description;

  /**
   * @param next makes the successor, warm-started from the trials numbered below its argument
   */
  Handover(
      Sampler first,
      String firstName,
      String nextName,
      LongFunction<Sampler> next,
      int gpMaxTrials,
      int waitingLimit,
      boolean smallBudget,
      String why) {
    this.first = first;
    this.firstName = firstName;
    this.nextName = nextName;
    this.next = next;
    this.gpMaxTrials = gpMaxTrials;
    this.waitingLimit = waitingLimit;
    this.smallBudget = smallBudget;
    this.current = first;
    this.plan =
        smallBudget
            ? why + "; a budget of at most " + gpMaxTrials + " trials keeps it throughout"
            : why
                + "; hands over to "
                + nextName
                + " at "
                + gpMaxTrials
                + " trials or when "
                + waitingLimit
                + " asks wait at once";
    this.description = "chose " + firstName + ": " + plan;
  }

  @Override
  public Suggestion suggest(StudyView study, SamplingContext context) {
    return suggestBatch(study, 1, context).get(0);
  }

  @Override
  public List<Suggestion> suggestBatch(StudyView study, int count, SamplingContext context) {
    if (current == first) {
      long handedOver = handedOverAt(study.trials());
      if (handedOver < 0
          && (study.trials().size() >= gpMaxTrials || (!smallBudget && count >= waitingLimit))) {
        handedOver = study.trials().size();
      }
      if (handedOver >= 0) {
        current = next.apply(handedOver);
        description = "chose " + nextName + " from trial " + handedOver + " on: " + plan;
      }
    }
    String name = current == first ? firstName : nextName;
    List<Suggestion> out = new ArrayList<>();
    for (Suggestion s : current.suggestBatch(study, count, context)) {
      out.add(s instanceof Suggestion.Params p ? labelled(p, name) : s);
    }
    return out;
  }

  /** The number of the first trial the successor made, or -1. */
  private long handedOverAt(List<? extends TrialView> trials) {
    for (TrialView t : trials) {
      if (nextName.equals(t.labels().get(LABEL))) {
        return t.number();
      }
    }
    return -1;
  }

  private static Suggestion.Params labelled(Suggestion.Params p, String sampler) {
    Map<String, String> labels = new HashMap<>(p.labels());
    labels.put(LABEL, sampler);
    return new Suggestion.Params(p.values(), p.startFrom(), p.maxStep(), labels);
  }

  @Override
  public String description() {
    return description;
  }
}
