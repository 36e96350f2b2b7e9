package vernier.plugins.basic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import vernier.spi.CategoricalDomain;
import vernier.spi.Checkpoint;
import vernier.spi.Constraint;
import vernier.spi.Direction;
import vernier.spi.FloatDomain;
import vernier.spi.Objective;
import vernier.spi.ParamValue;
import vernier.spi.Parameter;
import vernier.spi.Sampler;
import vernier.spi.SamplerFactory;
import vernier.spi.SamplingContext;
import vernier.spi.SearchSpace;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;
import vernier.spi.Suggestion;
import vernier.spi.testkit.SamplerContractTest;
import vernier.spi.testkit.SimpleStudy;
import vernier.spi.testkit.SimpleTrial;

final class PbtSamplerTest extends SamplerContractTest {

  @Override
  protected SamplerFactory factory() {
    return new PbtSamplerFactory();
  }

  private static final StudyDefinition STUDY =
      new StudyDefinition(
          "pbt",
          SearchSpace.of(
              Parameter.of("lr", FloatDomain.logScale(1e-4, 1)),
              Parameter.of(
                  "optimizer", CategoricalDomain.of(ParamValue.of("sgd"), ParamValue.of("adam")))),
          List.of(new Objective("loss", Direction.MINIMIZE)),
          List.<Constraint>of(),
          7);

  /**
   * A toy training run: the "weights" w fall by a rate that peaks at lr = 1e-2 (adam a little
   * faster), and the loss is w. A trial continues the weights of the checkpoint it starts from.
   */
  private static final class Simulation {
    final SimpleStudy study = new SimpleStudy(STUDY);
    final Map<Long, Double> weightsAtEnd = new HashMap<>();

    double train(Suggestion.Params plan) {
      double w = plan.startFrom().map(c -> weightsAtEnd.get(c.trial())).orElse(10.0);
      long from = plan.startFrom().map(Checkpoint::step).orElse(0L);
      double lr = plan.values().get("lr").asDouble();
      double rate =
          Math.exp(-Math.pow(Math.log10(lr) + 2, 2))
              * (plan.values().get("optimizer").equals(ParamValue.of("adam")) ? 0.08 : 0.06);
      for (long step = from; step < plan.maxStep(); step++) {
        w *= 1 - rate;
      }
      return w;
    }

    /** Runs the study sequentially to the end; returns the plans in order. */
    List<Suggestion.Params> run(Sampler sampler, long seed) {
      SplittableRandom random = new SplittableRandom(seed);
      List<Suggestion.Params> plans = new ArrayList<>();
      while (true) {
        Suggestion s = sampler.suggest(study, new SamplingContext(random.split()));
        if (s instanceof Suggestion.Exhausted) {
          return plans;
        }
        Suggestion.Params plan = (Suggestion.Params) s;
        plans.add(plan);
        double w = train(plan);
        SimpleTrial t = study.start(plan);
        weightsAtEnd.put(t.number(), w);
        t.succeed("loss", w);
      }
    }
  }

  private static Sampler sampler(Map<String, Object> settings) {
    return new PbtSamplerFactory().create(STUDY, Settings.of(settings));
  }

  @Test
  void segmentsFormLineages_andEveryMemberReachesMaxStep() {
    Simulation sim = new Simulation();
    List<Suggestion.Params> plans =
        sim.run(sampler(Map.of("population_size", 4, "interval", 10, "max_step", 50)), 1);
    assertThat(plans).hasSize(4 * 5);
    for (int i = 0; i < plans.size(); i++) {
      Suggestion.Params p = plans.get(i);
      long start = p.startFrom().map(Checkpoint::step).orElse(0L);
      assertThat(p.maxStep()).as("plan %d", i).isEqualTo(start + 10);
      p.startFrom()
          .ifPresent(
              c -> {
                assertThat(c.trial()).isLessThan(sim.study.trials().size());
                assertThat(sim.study.trials().get((int) c.trial()).maxStep())
                    .as("a parent's end step")
                    .isEqualTo(c.step());
              });
      assertThat(p.labels()).containsKey(PbtSampler.MEMBER);
    }
    assertThat(plans.subList(0, 4)).allSatisfy(p -> assertThat(p.startFrom()).isEmpty());
    assertThat(plans.stream().filter(p -> p.maxStep() == 50)).hasSize(4);
  }

  @Test
  void poorMembersExploitBetterOnes_andBeatTheBestFixedSchedule() {
    Map<String, Object> settings = Map.of("population_size", 6, "interval", 10, "max_step", 100);
    Simulation sim = new Simulation();
    List<Suggestion.Params> plans = sim.run(sampler(settings), 3);
    long exploits =
        plans.stream()
            .filter(
                p ->
                    p.startFrom().isPresent()
                        && !sim.study
                            .trials()
                            .get((int) p.startFrom().get().trial())
                            .labels()
                            .equals(p.labels()))
            .count();
    assertThat(exploits).as("segments started from another member's checkpoint").isGreaterThan(3);
    double pbtBest =
        sim.study.trials().stream()
            .filter(t -> t.maxStep() == 100)
            .mapToDouble(t -> t.value("loss").getAsDouble())
            .min()
            .orElseThrow();
    // the same six random starting points trained for 100 steps without exploit/explore
    double fixedBest = Double.POSITIVE_INFINITY;
    for (Suggestion.Params first : plans.subList(0, 6)) {
      fixedBest =
          Math.min(
              fixedBest,
              new Simulation()
                  .train(
                      new Suggestion.Params(
                          first.values(), java.util.Optional.empty(), 100, Map.of())));
    }
    assertThat(pbtBest).isLessThan(fixedBest);
  }

  @Test
  void waitsWhileEveryUnfinishedMemberTrains() {
    Sampler sampler = sampler(Map.of("population_size", 2, "interval", 5, "max_step", 10));
    SimpleStudy study = new SimpleStudy(STUDY);
    SplittableRandom random = new SplittableRandom(2);
    SimpleTrial a =
        study.start(
            (Suggestion.Params) sampler.suggest(study, new SamplingContext(random.split())));
    study.start((Suggestion.Params) sampler.suggest(study, new SamplingContext(random.split())));
    assertThat(sampler.suggest(study, new SamplingContext(random.split())))
        .isEqualTo(Suggestion.waitForRunningTrials());
    a.succeed("loss", 1.0);
    Suggestion next = sampler.suggest(study, new SamplingContext(random.split()));
    assertThat(next).isInstanceOf(Suggestion.Params.class);
    assertThat(((Suggestion.Params) next).startFrom()).contains(new Checkpoint(a.number(), 5));
  }

  @Test
  void aFailedMemberCopiesATopOne() {
    Sampler sampler = sampler(Map.of("population_size", 3, "interval", 5, "max_step", 10));
    SimpleStudy study = new SimpleStudy(STUDY);
    SplittableRandom random = new SplittableRandom(4);
    List<SimpleTrial> first = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      first.add(
          study.start(
              (Suggestion.Params) sampler.suggest(study, new SamplingContext(random.split()))));
    }
    first.get(0).finish(vernier.spi.TrialState.FAILED);
    first.get(1).succeed("loss", 2.0);
    first.get(2).succeed("loss", 1.0);
    Suggestion.Params next =
        (Suggestion.Params) sampler.suggest(study, new SamplingContext(random.split()));
    assertThat(next.labels()).containsEntry(PbtSampler.MEMBER, "0");
    assertThat(next.startFrom()).contains(new Checkpoint(first.get(2).number(), 5));
  }

  @Test
  void onlyTheListedParametersAreExplored() {
    Simulation sim = new Simulation();
    List<Suggestion.Params> plans =
        sim.run(
            sampler(
                Map.of(
                    "population_size",
                    4,
                    "interval",
                    10,
                    "max_step",
                    60,
                    "explore",
                    List.of("lr"),
                    "resample_probability",
                    1.0)),
            5);
    for (Suggestion.Params p : plans) {
      p.startFrom()
          .ifPresent(
              c ->
                  assertThat(p.values().get("optimizer"))
                      .as("the copied member's optimizer")
                      .isEqualTo(
                          sim.study.trials().get((int) c.trial()).params().get("optimizer")));
    }
    assertThatThrownBy(() -> sampler(Map.of("explore", List.of("units"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("pbt: setting explore must list parameters of the study (")
        .hasMessageEndingWith(", got [units]");
  }

  @Test
  void badSettings_areNamed() {
    assertThatThrownBy(() -> sampler(Map.of("interval", 20, "max_step", 10)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pbt: setting max_step must be at least interval (20), got 10");
    assertThatThrownBy(() -> sampler(Map.of("population_size", 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pbt: setting population_size must be an integer in [2, 2147483647], got 1");
  }
}
