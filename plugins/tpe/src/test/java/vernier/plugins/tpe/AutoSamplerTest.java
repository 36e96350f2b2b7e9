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
import vernier.spi.Suggestion;
import vernier.spi.testkit.SamplerContractTest;
import vernier.spi.testkit.SimpleStudy;

final class AutoSamplerTest extends SamplerContractTest {

  @Override
  protected SamplerFactory factory() {
    return new AutoSamplerFactory();
  }

  private static StudyDefinition study(int objectives) {
    List<Objective> o = new java.util.ArrayList<>();
    for (int i = 0; i < objectives; i++) {
      o.add(new Objective("f" + i, Direction.MINIMIZE));
    }
    return new StudyDefinition(
        "a",
        SearchSpace.of(Parameter.of("x", FloatDomain.continuous(0, 1))),
        o,
        List.<Constraint>of(),
        1);
  }

  private static PluginLookup with(String... samplers) {
    return new PluginLookup() {
      @Override
      public Optional<SamplerFactory> sampler(String name) {
        return List.of(samplers).contains(name)
            ? Optional.of(new TpeSamplerFactory())
            : Optional.empty();
      }

      @Override
      public Optional<PrunerFactory> pruner(String name) {
        return Optional.empty();
      }
    };
  }

  @Test
  void multiObjective_getsMotpeOrNsga3_numericSpaces_getCmaes_othersTpe() {
    assertThat(AutoSamplerFactory.choose(study(2), with("nsga2", "nsga3", "cmaes")))
        .as("MOTPE")
        .isEqualTo("tpe");
    assertThat(AutoSamplerFactory.choose(study(5), with("nsga2", "nsga3"))).isEqualTo("nsga3");
    assertThat(AutoSamplerFactory.choose(study(5), with())).isEqualTo("tpe");
    assertThat(AutoSamplerFactory.choose(study(1), with("nsga2", "cmaes")))
        .as("one parameter")
        .isEqualTo("tpe");
    StudyDefinition numeric =
        new StudyDefinition(
            "a",
            SearchSpace.of(
                Parameter.of("x", FloatDomain.continuous(0, 1)),
                Parameter.of("y", vernier.spi.IntDomain.range(0, 9))),
            List.of(new Objective("f", Direction.MINIMIZE)),
            List.<Constraint>of(),
            1);
    assertThat(AutoSamplerFactory.choose(numeric, with("cmaes"))).isEqualTo("cmaes");
    assertThat(AutoSamplerFactory.choose(numeric, with())).isEqualTo("tpe");
    StudyDefinition mixed =
        new StudyDefinition(
            "a",
            SearchSpace.of(
                Parameter.of("x", FloatDomain.continuous(0, 1)),
                Parameter.of(
                    "o", vernier.spi.CategoricalDomain.of(vernier.spi.ParamValue.of("a")))),
            List.of(new Objective("f", Direction.MINIMIZE)),
            List.<Constraint>of(),
            1);
    assertThat(AutoSamplerFactory.choose(mixed, with("cmaes"))).isEqualTo("tpe");
  }

  @Test
  void theSamplerSaysWhatWasChosenAndWhy() {
    assertThat(
            new AutoSamplerFactory()
                .create(study(1), vernier.spi.Settings.empty(), with("gp"))
                .description())
        .isEqualTo(
            "chose gp: 1 objective, 1 parameter; hands over to tpe at 300 trials or when 16 asks"
                + " wait at once");
    assertThat(
            new AutoSamplerFactory()
                .create(study(3), vernier.spi.Settings.empty(), with())
                .description())
        .isEqualTo("chose tpe: 3 objectives, 1 parameter");
  }

  @Test
  void unconditionalSpacesUpToTwentyParameters_getGp() {
    assertThat(AutoSamplerFactory.choose(study(1), with("gp", "cmaes"))).isEqualTo("gp");
    assertThat(AutoSamplerFactory.choose(study(2), with("gp", "nsga2")))
        .as("several objectives")
        .isEqualTo("tpe");
    List<Parameter> wide = new java.util.ArrayList<>();
    for (int i = 0; i < 21; i++) {
      wide.add(Parameter.of("x" + i, FloatDomain.continuous(0, 1)));
    }
    StudyDefinition many =
        new StudyDefinition(
            "a",
            new SearchSpace(wide),
            List.of(new Objective("f", Direction.MINIMIZE)),
            List.<Constraint>of(),
            1);
    assertThat(AutoSamplerFactory.choose(many, with("gp", "cmaes"))).isEqualTo("cmaes");
    StudyDefinition conditional =
        new StudyDefinition(
            "a",
            SearchSpace.of(
                Parameter.of(
                    "o",
                    vernier.spi.CategoricalDomain.of(
                        vernier.spi.ParamValue.of("a"), vernier.spi.ParamValue.of("b"))),
                Parameter.conditional(
                    "x",
                    FloatDomain.continuous(0, 1),
                    new vernier.spi.Condition(
                        "o", java.util.Set.of(vernier.spi.ParamValue.of("a"))))),
            List.of(new Objective("f", Direction.MINIMIZE)),
            List.<Constraint>of(),
            1);
    assertThat(AutoSamplerFactory.choose(conditional, with("gp", "cmaes"))).isEqualTo("tpe");
  }

  /** A numeric two-parameter study. */
  private static final StudyDefinition NUMERIC =
      new StudyDefinition(
          "n",
          SearchSpace.of(
              Parameter.of("x", FloatDomain.continuous(0, 1)),
              Parameter.of("y", FloatDomain.continuous(0, 1))),
          List.of(new Objective("f", Direction.MINIMIZE)),
          List.<Constraint>of(),
          1);

  /** A lookup whose gp and cmaes answer their own name as one point, recording their settings. */
  private static final class Recording implements PluginLookup {
    final List<String> made = new ArrayList<>();

    @Override
    public Optional<SamplerFactory> sampler(String name) {
      if (!name.equals("gp") && !name.equals("cmaes")) {
        return Optional.empty();
      }
      return Optional.of(
          new SamplerFactory() {
            @Override
            public String name() {
              return name;
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
              made.add(name + " " + settings.asMap());
              double at = name.equals("gp") ? 0.25 : 0.75;
              return (view, context) ->
                  Suggestion.of(Map.of("x", ParamValue.of(at), "y", ParamValue.of(at)));
            }
          });
    }

    @Override
    public Optional<PrunerFactory> pruner(String name) {
      return Optional.empty();
    }
  }

  private static String madeBy(Suggestion s) {
    return ((Suggestion.Params) s).labels().get("auto.sampler");
  }

  private static SamplingContext context() {
    return new SamplingContext(new SplittableRandom(1));
  }

  @Test
  void gpHandsOverToWarmStartedCmaes_atItsTrialLimit_andAStudyRebuiltContinuesAfterIt() {
    Recording plugins = new Recording();
    Sampler auto =
        new AutoSamplerFactory()
            .create(NUMERIC, Settings.of(Map.of("gp_max_trials", 3.0)), plugins);
    SimpleStudy study = new SimpleStudy(NUMERIC);
    List<String> order = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Suggestion s = auto.suggestBatch(study, 1, context()).get(0);
      order.add(madeBy(s));
      study.start((Suggestion.Params) s).succeed("f", i);
    }
    assertThat(order).containsExactly("gp", "gp", "gp", "cmaes", "cmaes");
    assertThat(plugins.made).containsExactly("gp {}", "cmaes {warm_start_trials=3.0}");
    assertThat(auto.description()).startsWith("chose cmaes from trial 3 on: ");

    Recording again = new Recording();
    Sampler rebuilt =
        new AutoSamplerFactory()
            .create(NUMERIC, Settings.of(Map.of("gp_max_trials", 300.0)), again);
    assertThat(madeBy(rebuilt.suggestBatch(study, 1, context()).get(0)))
        .as("the handover is read back from the trials' labels")
        .isEqualTo("cmaes");
    assertThat(again.made).containsExactly("gp {}", "cmaes {warm_start_trials=3.0}");
  }

  @Test
  void gpHandsOverWhenManyAsksWaitAtOnce_andKeepsAFewWaiting() {
    Recording plugins = new Recording();
    Sampler auto = new AutoSamplerFactory().create(NUMERIC, Settings.empty(), plugins);
    SimpleStudy study = new SimpleStudy(NUMERIC);
    assertThat(auto.suggestBatch(study, 15, context())).allMatch(s -> madeBy(s).equals("gp"));
    assertThat(auto.suggestBatch(study, 16, context())).allMatch(s -> madeBy(s).equals("cmaes"));
    assertThat(plugins.made).containsExactly("gp {}", "cmaes {}");
  }

  @Test
  void aSmallBudget_keepsGpWhateverTheLoad() {
    StudyDefinition budgeted =
        new StudyDefinition(
            "n", NUMERIC.space(), NUMERIC.objectives(), NUMERIC.constraints(), 1, 100);
    Recording plugins = new Recording();
    Sampler auto = new AutoSamplerFactory().create(budgeted, Settings.empty(), plugins);
    assertThat(auto.suggestBatch(new SimpleStudy(budgeted), 32, context()))
        .allMatch(s -> madeBy(s).equals("gp"));
    assertThat(plugins.made).containsExactly("gp {}");
    assertThat(auto.description()).contains("a budget of at most 300 trials keeps it throughout");
  }

  @Test
  void mixedSpaces_handOverToTpe() {
    assertThat(AutoSamplerFactory.successor(NUMERIC, new Recording())).isEqualTo("cmaes");
    assertThat(AutoSamplerFactory.successor(NUMERIC, with())).isEqualTo("tpe");
  }
}
