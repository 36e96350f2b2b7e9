package vernier.spi.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import vernier.spi.FloatDomain;
import vernier.spi.ParamValue;
import vernier.spi.Parameter;
import vernier.spi.PluginLookup;
import vernier.spi.Pruner;
import vernier.spi.PrunerFactory;
import vernier.spi.SearchSpace;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;

/**
 * The contract every pruner plugin passes: discoverable, well-formed settings, no decision before
 * any other trial finished, deterministic, and robust to sparse steps and NaN.
 */
public abstract class PrunerContractTest {

  protected abstract PrunerFactory factory();

  protected Settings settings() {
    return Settings.empty();
  }

  /** The plugins a wrapper may delegate to: by default every pruner and sampler on the class path. */
  protected PluginLookup plugins() {
    return ServiceLoaderLookup.INSTANCE;
  }

  @Test
  public void serviceFileListsTheFactory() {
    List<Class<?>> found = new ArrayList<>();
    ServiceLoader.load(PrunerFactory.class).stream().forEach(p -> found.add(p.type()));
    assertThat(found).as("META-INF/services/vernier.spi.PrunerFactory").contains(factory().getClass());
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
  public void firstTrialIsNeverPrunedOnFiniteValues() {
    SimpleStudy study = new SimpleStudy(definition());
    Pruner pruner = create(study);
    SimpleTrial trial = study.start(Map.of("x", ParamValue.of(0.5)));
    for (long step = 0; step < 20; step++) {
      trial.report(ContractSpaces.OBJECTIVE, step, 10.0 - step * 0.1);
      assertThat(pruner.shouldPrune(study, trial, step)).as("step %d", step).isFalse();
    }
  }

  @Test
  public void decisionsAreDeterministicAndHandleSparseStepsAndNaN() {
    assertThat(decisions()).isEqualTo(decisions());
  }

  private List<Boolean> decisions() {
    SimpleStudy study = new SimpleStudy(definition());
    Pruner pruner = create(study);
    for (int t = 0; t < 8; t++) {
      SimpleTrial done = study.start(Map.of("x", ParamValue.of(t / 10.0)));
      for (long step = 0; step < 30; step += 1 + t % 3) { // different reporting intervals
        done.report(ContractSpaces.OBJECTIVE, step, t + 1.0 / (1 + step));
      }
      done.succeed(ContractSpaces.OBJECTIVE, t);
    }
    List<Boolean> out = new ArrayList<>();
    SimpleTrial bad = study.start(Map.of("x", ParamValue.of(0.9)));
    for (long step : new long[] {0, 3, 4, 11, 29}) {
      bad.report(ContractSpaces.OBJECTIVE, step, 100.0);
      out.add(pruner.shouldPrune(study, bad, step));
    }
    SimpleTrial nan = study.start(Map.of("x", ParamValue.of(0.8)));
    nan.report(ContractSpaces.OBJECTIVE, 5, Double.NaN);
    out.add(pruner.shouldPrune(study, nan, 5));
    return out;
  }

  private Pruner create(SimpleStudy study) {
    return factory().create(study.definition(), settings().validate(factory().name(), factory().settings()),
        plugins());
  }

  private static StudyDefinition definition() {
    return ContractSpaces.definition(SearchSpace.of(Parameter.of("x", FloatDomain.continuous(0, 1))), 1);
  }
}
