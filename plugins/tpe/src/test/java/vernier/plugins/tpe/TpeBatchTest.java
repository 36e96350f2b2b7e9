package vernier.plugins.tpe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import vernier.spi.Constraint;
import vernier.spi.Direction;
import vernier.spi.FloatDomain;
import vernier.spi.IntDomain;
import vernier.spi.Objective;
import vernier.spi.ParamValue;
import vernier.spi.Parameter;
import vernier.spi.PluginLookup;
import vernier.spi.PrunerFactory;
import vernier.spi.Sampler;
import vernier.spi.SamplerFactory;
import vernier.spi.SamplingContext;
import vernier.spi.SearchSpace;
import vernier.spi.SettingSpec;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;
import vernier.spi.StudyView;
import vernier.spi.Suggestion;
import vernier.spi.TrialState;
import vernier.spi.WithPending;
import vernier.spi.testkit.ContractSpaces;
import vernier.spi.testkit.SimpleStudy;

/** {@code suggestBatch} of tpe, bohb and auto: one model per batch, the points of k asks. */
final class TpeBatchTest {

  private static final SearchSpace BOX =
      SearchSpace.of(
          Parameter.of("x", FloatDomain.continuous(-5, 5)),
          Parameter.of("y", FloatDomain.continuous(-5, 5)),
          Parameter.of("n", IntDomain.range(0, 20)));

  private static double bowl(Map<String, ParamValue> p) {
    double loss = 0;
    for (ParamValue v : p.values()) {
      double x = v instanceof ParamValue.StringValue s ? s.value().length() : numeric(v);
      loss += (x - 1.3) * (x - 1.3);
    }
    return loss;
  }

  private static double numeric(ParamValue v) {
    return v instanceof ParamValue.BoolValue b ? (b.value() ? 1 : 0) : v.asDouble();
  }

  private static StudyDefinition definition(
      SearchSpace space, int objectives, List<Constraint> constraints) {
    List<Objective> o = new ArrayList<>();
    for (int i = 0; i < objectives; i++) {
      o.add(new Objective("f" + i, i == 1 ? Direction.MAXIMIZE : Direction.MINIMIZE));
    }
    return new StudyDefinition("batch", space, o, constraints, 5);
  }

  /**
   * What a trial tells: f0 the bowl, f1 (if asked for) a second objective, c the sum of the numeric
   * params.
   */
  private static Map<String, Double> told(Map<String, ParamValue> p) {
    double sum = 0;
    for (ParamValue v : p.values()) {
      sum += v instanceof ParamValue.StringValue ? 0 : numeric(v);
    }
    return Map.of("f0", bowl(p), "f1", -Math.abs(sum), "c", sum);
  }

  /** A study of {@code finished} told trials, then one pruned and two running. */
  private static SimpleStudy history(Sampler sampler, StudyDefinition d, int finished) {
    SimpleStudy study = new SimpleStudy(d);
    SplittableRandom random = new SplittableRandom(5);
    for (int t = 0; t < finished + 3; t++) {
      Suggestion.Params p =
          (Suggestion.Params) sampler.suggest(study, new SamplingContext(random.split()));
      if (t < finished) {
        study.start(p).feasible(told(p.values()).get("c") <= 4).succeed(told(p.values()));
      } else if (t == finished) {
        study.start(p).finish(TrialState.PRUNED);
      } else {
        study.start(p);
      }
    }
    return study;
  }

  /** What Sampler's default gives: k asks, each seeing the earlier ones running. */
  private static List<Suggestion> oneByOne(Sampler sampler, StudyView study, int k, long seed) {
    WithPending view = new WithPending(study);
    SamplingContext context = new SamplingContext(new SplittableRandom(seed));
    List<Suggestion> out = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      Suggestion.Params p = (Suggestion.Params) sampler.suggest(view, context);
      out.add(p);
      view.add(p);
    }
    return out;
  }

  @Test
  void batchOfEight_fromAFittedModel_isLegalAndDistinct_andBuildsOneModel() {
    StudyDefinition d = definition(BOX, 1, List.of());
    TpeSampler tpe = (TpeSampler) new TpeSamplerFactory().create(d, Settings.empty());
    SimpleStudy study = history(tpe, d, 25);
    int[] before = tpe.built();
    List<Suggestion> batch =
        tpe.suggestBatch(study, 8, new SamplingContext(new SplittableRandom(1)));
    int[] after = tpe.built();
    assertThat(after[0] - before[0]).as("models built for a batch").isOne();
    // one unit (x, y, n jointly): its l once, its g (which holds the running trials) per point
    assertThat(after[1] - before[1]).as("estimators built for a batch of 8").isEqualTo(1 + 8);
    assertThat(batch).hasSize(8);
    List<Map<String, ParamValue>> seen = new ArrayList<>();
    for (Suggestion s : batch) {
      Map<String, ParamValue> p = ((Suggestion.Params) s).values();
      assertThat(p.keySet()).containsExactlyInAnyOrder("x", "y", "n");
      for (Parameter param : BOX.parameters()) {
        assertThat(param.domain().contains(p.get(param.name()))).isTrue();
      }
      assertThat(seen).doesNotContain(p);
      seen.add(p);
    }

    oneByOne(tpe, study, 8, 1);
    int[] sequential = tpe.built();
    assertThat(sequential[0] - after[0]).as("models built by 8 asks").isEqualTo(8);
    assertThat(sequential[1] - after[1]).as("estimators built by 8 asks").isEqualTo(16);

    TpeSampler noLiar =
        (TpeSampler) new TpeSamplerFactory().create(d, Settings.of(Map.of("constant_liar", false)));
    before = noLiar.built();
    noLiar.suggestBatch(study, 8, new SamplingContext(new SplittableRandom(1)));
    assertThat(noLiar.built()[1] - before[1]).as("estimators without the liar").isEqualTo(2);
  }

  @Test
  void tpeBatch_equalsAsManyAsksWithTheEarlierPointsRunning() {
    Constraint c = Constraint.atMost("c", 4);
    record Case(String name, StudyDefinition d, Map<String, Object> settings) {}
    List<Case> all =
        List.of(
            new Case("conditional", definition(ContractSpaces.mixed(), 1, List.of()), Map.of()),
            new Case(
                "univariate",
                definition(ContractSpaces.mixed(), 1, List.of()),
                Map.of("multivariate", false)),
            new Case("no liar", definition(BOX, 1, List.of()), Map.of("constant_liar", false)),
            new Case("c-TPE", definition(BOX, 1, List.of(c)), Map.of()),
            new Case(
                "violation order",
                definition(BOX, 1, List.of(c)),
                Map.of("constraint_model", "violation")),
            new Case("MOTPE", definition(BOX, 2, List.of()), Map.of()),
            new Case("start-up", definition(BOX, 1, List.of()), Map.of("n_startup_trials", 100)));
    for (Case k : all) {
      Sampler tpe = new TpeSamplerFactory().create(k.d(), Settings.of(k.settings()));
      SimpleStudy study = history(tpe, k.d(), 30);
      assertThat(tpe.suggestBatch(study, 8, new SamplingContext(new SplittableRandom(9))))
          .as(k.name())
          .isEqualTo(oneByOne(tpe, study, 8, 9));
    }
  }

  @Test
  void bohbBatch_equalsAsManyAsksWithTheEarlierPointsRunning() {
    StudyDefinition d = definition(BOX, 1, List.of());
    Sampler bohb =
        new BohbSamplerFactory()
            .create(d, Settings.of(Map.of("max_resource", 9, "min_resource", 1)));
    SimpleStudy study = new SimpleStudy(d);
    SplittableRandom random = new SplittableRandom(3);
    for (int t = 0; t < 40; t++) {
      Suggestion.Params p =
          (Suggestion.Params) bohb.suggest(study, new SamplingContext(random.split()));
      double loss = bowl(p.values());
      var trial = study.start(p).report("f0", 1, loss + 1).report("f0", 3, loss + 0.3);
      if (t % 3 == 0) {
        trial.report("f0", 9, loss).succeed("f0", loss);
      } else if (t % 3 == 1) {
        trial.finish(TrialState.PRUNED);
      } // else left running, with its intermediate values
    }
    assertThat(bohb.suggestBatch(study, 12, new SamplingContext(new SplittableRandom(4))))
        .isEqualTo(oneByOne(bohb, study, 12, 4));
  }

  @Test
  void auto_forwardsBatchesToTheSamplerItChose() {
    List<Suggestion> answer = List.of(Suggestion.of(Map.of("x", ParamValue.of(0.5))));
    Sampler batching =
        new Sampler() {
          @Override
          public Suggestion suggest(StudyView study, SamplingContext context) {
            throw new AssertionError("suggest called instead of suggestBatch");
          }

          @Override
          public List<Suggestion> suggestBatch(
              StudyView study, int count, SamplingContext context) {
            return answer;
          }
        };
    SamplerFactory gp =
        new SamplerFactory() {
          @Override
          public String name() {
            return "gp";
          }

          @Override
          public String description() {
            return "";
          }

          @Override
          public List<SettingSpec> settings() {
            return List.of();
          }

          @Override
          public Sampler create(StudyDefinition study, Settings settings) {
            return batching;
          }
        };
    PluginLookup plugins =
        new PluginLookup() {
          @Override
          public Optional<SamplerFactory> sampler(String name) {
            return name.equals("gp") ? Optional.of(gp) : Optional.empty();
          }

          @Override
          public Optional<PrunerFactory> pruner(String name) {
            return Optional.empty();
          }
        };
    StudyDefinition d =
        definition(SearchSpace.of(Parameter.of("x", FloatDomain.continuous(0, 1))), 1, List.of());
    Sampler auto = new AutoSamplerFactory().create(d, Settings.empty(), plugins);
    List<Suggestion> batch =
        auto.suggestBatch(new SimpleStudy(d), 4, new SamplingContext(new SplittableRandom(1)));
    assertThat(batch).singleElement().isInstanceOf(Suggestion.Params.class);
    Suggestion.Params p = (Suggestion.Params) batch.get(0);
    assertThat(p.values()).isEqualTo(Map.of("x", ParamValue.of(0.5)));
    assertThat(p.labels()).containsEntry("auto.sampler", "gp");
  }
}
