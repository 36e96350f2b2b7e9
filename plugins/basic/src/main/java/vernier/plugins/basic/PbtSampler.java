package vernier.plugins.basic;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import vernier.spi.CategoricalDomain;
import vernier.spi.Checkpoint;
import vernier.spi.FloatDomain;
import vernier.spi.IntDomain;
import vernier.spi.Objective;
import vernier.spi.ParamValue;
import vernier.spi.Parameter;
import vernier.spi.Sampler;
import vernier.spi.SamplingContext;
import vernier.spi.StudyDefinition;
import vernier.spi.StudyView;
import vernier.spi.Suggestion;
import vernier.spi.TrialState;
import vernier.spi.TrialView;
import vernier.spi.Uniform;

/**
 * Population-based training (Jaderberg et al., "Population Based Training of Neural Networks",
 * 2017), asynchronous, with one trial per training segment of {@code interval} steps.
 *
 * <p>Each trial carries the label {@value #MEMBER} naming its population member. A member's first
 * trial trains from scratch with random parameters; when a member's latest trial finishes, its next
 * one is planned: the finished trial is ranked against every trial that ended at the same step. In
 * the bottom {@code quantile} it <em>exploits</em> a random member of the top {@code quantile}: the
 * new trial starts from that trial's checkpoint at that step with its parameters <em>explored</em>
 * (perturbed, or drawn afresh); otherwise the member continues from its own checkpoint with the
 * same parameters. A member whose latest trial failed exploits a top member too. Trials record
 * where they started ({@link Checkpoint}), which gives the lineage. While every unfinished member
 * is training, the answer is to wait; when every member reached {@code max_step}, the study is
 * exhausted.
 *
 * <p>Everything is read back from the study's trials, so a restarted server plans the same way.
 */
final class PbtSampler implements Sampler {

  static final String MEMBER = "pbt.member";

  record Settings(
      int population,
      int interval,
      int maxStep,
      double quantile,
      double resample,
      double perturbation,
      Set<String> explore) {}

  private final StudyDefinition study;
  private final Objective objective;
  private final Settings settings;

  PbtSampler(StudyDefinition study, Settings settings) {
    this.study = study;
    this.objective = study.objectives().get(0);
    this.settings = settings;
  }

  @Override
  public Suggestion suggest(StudyView view, SamplingContext context) {
    RandomGenerator random = context.random();
    Map<Integer, TrialView> latest = latestByMember(view.trials());
    if (latest.size() < settings.population()) {
      return plan(
          study.space().assign((p, a) -> Uniform.sample(p.domain(), random)),
          Optional.empty(),
          0,
          latest.size());
    }
    Optional<Map.Entry<Integer, TrialView>> ready =
        latest.entrySet().stream()
            .filter(
                e ->
                    e.getValue().state().isFinished()
                        && e.getValue().maxStep() < settings.maxStep())
            .min(Comparator.comparingLong(e -> e.getValue().number()));
    if (ready.isEmpty()) {
      boolean allDone = latest.values().stream().allMatch(t -> t.state().isFinished());
      return allDone ? Suggestion.exhausted() : Suggestion.waitForRunningTrials();
    }
    int member = ready.get().getKey();
    TrialView finished = ready.get().getValue();
    long step = finished.maxStep();
    List<TrialView> peers = rankedAt(view.trials(), step);
    int top = Math.max(1, (int) Math.floor(settings.quantile() * peers.size()));
    int rank = peers.indexOf(finished); // -1: it did not succeed
    boolean bottom =
        rank < 0
            || rank
                >= peers.size() - Math.max(1, (int) Math.ceil(settings.quantile() * peers.size()));
    if (peers.size() >= 2 && bottom && (rank < 0 || rank >= top)) {
      TrialView better = peers.get(random.nextInt(top));
      return plan(
          explore(better.params(), random),
          Optional.of(new Checkpoint(better.number(), step)),
          step,
          member);
    }
    if (rank < 0) { // failed and nobody to copy: start the member again
      return plan(
          study.space().assign((p, a) -> Uniform.sample(p.domain(), random)),
          Optional.empty(),
          0,
          member);
    }
    return plan(
        finished.params(), Optional.of(new Checkpoint(finished.number(), step)), step, member);
  }

  private Suggestion plan(
      Map<String, ParamValue> params, Optional<Checkpoint> from, long step, int member) {
    long until = Math.min(step + settings.interval(), settings.maxStep());
    return new Suggestion.Params(params, from, until, Map.of(MEMBER, Integer.toString(member)));
  }

  private static Map<Integer, TrialView> latestByMember(List<? extends TrialView> trials) {
    Map<Integer, TrialView> latest = new TreeMap<>();
    for (TrialView t : trials) {
      String member = t.labels().get(MEMBER);
      // a member label that does not parse (stored before workers were barred from setting it) is
      // ignored
      if (member != null && member.matches("\\d{1,9}")) {
        latest.put(Integer.parseInt(member), t); // trials come in number order: the last one wins
      }
    }
    return latest;
  }

  /** The trials that succeeded at {@code step}, best first. */
  private List<TrialView> rankedAt(List<? extends TrialView> trials, long step) {
    List<TrialView> peers = new ArrayList<>();
    for (TrialView t : trials) {
      if (t.maxStep() == step
          && t.state() == TrialState.SUCCEEDED
          && t.value(objective.metric()).isPresent()
          && t.labels().containsKey(MEMBER)) {
        peers.add(t);
      }
    }
    peers.sort(
        Comparator.comparingDouble(
            t -> objective.direction().toLoss(t.value(objective.metric()).getAsDouble())));
    return peers;
  }

  /**
   * Explore: each parameter in {@code explore} perturbed, or drawn afresh with {@code
   * resample_probability}; the others keep the copied member's value.
   */
  private Map<String, ParamValue> explore(Map<String, ParamValue> base, RandomGenerator random) {
    return study
        .space()
        .assign(
            (p, assigned) -> {
              ParamValue v = base.get(p.name());
              if (v != null && !settings.explore().contains(p.name())) {
                return v;
              }
              if (v == null || random.nextDouble() < settings.resample()) {
                return Uniform.sample(p.domain(), random);
              }
              return perturb(p, v, random.nextBoolean() ? 1 : -1);
            });
  }

  private ParamValue perturb(Parameter p, ParamValue value, int direction) {
    double factor = 1 + direction * settings.perturbation();
    if (p.domain() instanceof CategoricalDomain c) {
      int i = Math.max(0, Math.min(c.choices().size() - 1, c.indexOf(value) + direction));
      return c.choices().get(i);
    }
    if (p.domain() instanceof FloatDomain f) {
      double v = value.asDouble();
      boolean multiply = (f.log() || f.min() >= 0) && v != 0; // 0 would stay 0: shift it instead
      double moved =
          multiply ? v * factor : v + direction * settings.perturbation() * (f.max() - f.min());
      return ParamValue.of(f.snap(moved));
    }
    IntDomain i = (IntDomain) p.domain();
    long v = (long) value.asDouble();
    long moved =
        i.snap(
            i.log() || i.min() >= 0
                ? v * factor
                : v + direction * settings.perturbation() * (i.max() - i.min()));
    return ParamValue.of(moved != v ? moved : i.snap(v + direction * i.step()));
  }
}
