package vernier.spi.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import vernier.spi.ParamValue;
import vernier.spi.Parameter;
import vernier.spi.Sampler;
import vernier.spi.SamplerFactory;
import vernier.spi.SamplingContext;
import vernier.spi.SearchSpace;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;
import vernier.spi.Suggestion;

/**
 * The contract every sampler plugin passes. Extend it in the plugin's tests and return the factory
 * (and, if needed, the settings to test with). Besides sampling, it checks the declared settings:
 * every default is allowed by its own range or choices, and {@code create} refuses a value just
 * outside a setting's range (added to {@link #settings()}) with the one message format, {@code
 * <plugin>: setting <name> must be <what it allows>, got <value>}.
 */
public abstract class SamplerContractTest {

  /** The factory under test. */
  protected abstract SamplerFactory factory();

  /** Settings used to create the sampler in these tests. */
  protected Settings settings() {
    return Settings.empty();
  }

  /** How many sequential trials the tests run. */
  protected int trials() {
    return 40;
  }

  /**
   * Whether the sampler may answer {@link Suggestion.Exhausted} on the contract's finite spaces.
   */
  protected boolean mayExhaust() {
    return false;
  }

  @Test
  public void serviceFileListsTheFactory() {
    List<Class<?>> found = new ArrayList<>();
    ServiceLoader.load(SamplerFactory.class).stream().forEach(p -> found.add(p.type()));
    assertThat(found)
        .as("META-INF/services/vernier.spi.SamplerFactory")
        .contains(factory().getClass());
  }

  @Test
  public void nameAndSettingsAreWellFormed() {
    PluginChecks.checkFactory(factory());
  }

  @Test
  public void unknownSettingIsRejectedWithItsName() {
    Settings bad = Settings.of(Map.of("no-such-setting", 1.0));
    assertThatThrownBy(() -> bad.validate(factory().name(), factory().settings()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no-such-setting");
  }

  @Test
  public void defaultsAreAllowedByTheirOwnRanges() {
    PluginChecks.checkDefaults(factory());
  }

  @Test
  public void valuesOutsideASettingsRange_areRefusedByCreateNamingTheSetting() {
    StudyDefinition definition = ContractSpaces.definition(ContractSpaces.mixed(), 1);
    PluginChecks.checkRefusals(factory(), settings(), s -> factory().create(definition, s));
  }

  @Test
  public void suggestionsRespectBoundsStepsChoicesAndConditions() {
    SearchSpace space = ContractSpaces.mixed();
    for (Map<String, ParamValue> params : run(space, 7, trials())) {
      assertThat(params.keySet())
          .as("active parameters")
          .containsExactlyInAnyOrderElementsOf(
              space.activeParameters(params).stream().map(Parameter::name).toList());
      for (Parameter p : space.activeParameters(params)) {
        assertThat(p.domain().contains(params.get(p.name())))
            .as("%s = %s in %s", p.name(), params.get(p.name()), p.domain().describe())
            .isTrue();
      }
    }
  }

  @Test
  public void sameSeedGivesSameSuggestions() {
    SearchSpace space = ContractSpaces.mixed();
    assertThat(run(space, 42, trials())).isEqualTo(run(space, 42, trials()));
  }

  @Test
  public void suggestionsWithRunningTrialsStayLegal() {
    SearchSpace space = ContractSpaces.mixed();
    StudyDefinition definition = ContractSpaces.definition(space, 3);
    Sampler sampler =
        factory().create(definition, settings().validate(factory().name(), factory().settings()));
    SimpleStudy study = new SimpleStudy(definition);
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 8; i++) {
      Suggestion s = sampler.suggest(study, new SamplingContext(random.split()));
      if (s instanceof Suggestion.Params p) {
        study.start(p); // left running: parallel workers
        for (Parameter param : space.activeParameters(p.values())) {
          assertThat(param.domain().contains(p.values().get(param.name()))).isTrue();
        }
      }
    }
    assertThat(study.running()).isNotEmpty();
  }

  @Test
  public void batchesAreLegalAndHoldNoDuplicates() {
    SearchSpace space = ContractSpaces.mixed();
    StudyDefinition definition = ContractSpaces.definition(space, 11);
    Sampler sampler =
        factory().create(definition, settings().validate(factory().name(), factory().settings()));
    SimpleStudy study = new SimpleStudy(definition);
    SplittableRandom random = new SplittableRandom(11);
    for (int round = 0; round < 4; round++) {
      List<Suggestion> batch = sampler.suggestBatch(study, 6, new SamplingContext(random.split()));
      assertThat(batch).as("batch %d", round).isNotEmpty().hasSizeLessThanOrEqualTo(6);
      List<Map<String, ParamValue>> seen = new ArrayList<>();
      for (int i = 0; i < batch.size(); i++) {
        Suggestion s = batch.get(i);
        if (!(s instanceof Suggestion.Params p)) {
          assertThat(i)
              .as("only the last element of a batch may be %s", s)
              .isEqualTo(batch.size() - 1);
          assertThat(s instanceof Suggestion.Wait || mayExhaust()).as("%s", s).isTrue();
          continue;
        }
        for (Parameter param : space.activeParameters(p.values())) {
          assertThat(param.domain().contains(p.values().get(param.name())))
              .as("%s = %s", param.name(), p.values().get(param.name()))
              .isTrue();
        }
        assertThat(seen).as("batch %d repeats a point", round).doesNotContain(p.values());
        seen.add(p.values());
      }
      for (Suggestion s : batch) { // the batch's trials finish before the next batch
        if (s instanceof Suggestion.Params p) {
          study.start(p).succeed(ContractSpaces.OBJECTIVE, ContractSpaces.objective(p.values()));
        }
      }
    }
  }

  /**
   * Runs {@code n} sequential trials, each told the contract objective, and returns their params.
   */
  protected List<Map<String, ParamValue>> run(SearchSpace space, long seed, int n) {
    StudyDefinition definition = ContractSpaces.definition(space, seed);
    Sampler sampler =
        factory().create(definition, settings().validate(factory().name(), factory().settings()));
    SimpleStudy study = new SimpleStudy(definition);
    SplittableRandom random = new SplittableRandom(seed);
    List<Map<String, ParamValue>> suggested = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Suggestion s = sampler.suggest(study, new SamplingContext(random.split()));
      if (s instanceof Suggestion.Exhausted) {
        assertThat(mayExhaust()).as("sampler exhausted after %d trials", i).isTrue();
        break;
      }
      assertThat(s).as("answer %d with no trial running", i).isInstanceOf(Suggestion.Params.class);
      Map<String, ParamValue> params = ((Suggestion.Params) s).values();
      suggested.add(params);
      study
          .start((Suggestion.Params) s)
          .succeed(ContractSpaces.OBJECTIVE, ContractSpaces.objective(params));
    }
    return suggested;
  }
}
