package vernier.plugins.tpe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import vernier.spi.Constraint;
import vernier.spi.Direction;
import vernier.spi.FloatDomain;
import vernier.spi.Objective;
import vernier.spi.Parameter;
import vernier.spi.PluginLookup;
import vernier.spi.PrunerFactory;
import vernier.spi.SamplerFactory;
import vernier.spi.SearchSpace;
import vernier.spi.StudyDefinition;
import vernier.spi.testkit.SamplerContractTest;

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
        .isEqualTo("chose gp: 1 objective, 1 parameter");
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
}
