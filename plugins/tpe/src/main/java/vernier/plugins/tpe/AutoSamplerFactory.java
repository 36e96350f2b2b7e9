package vernier.plugins.tpe;

import java.util.List;
import vernier.spi.PluginLookup;
import vernier.spi.Sampler;
import vernier.spi.SamplerFactory;
import vernier.spi.SettingSpec;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;

/**
 * {@code auto}: picks a sampler from the study's shape and says which: {@code nsga2} for several
 * objectives (when installed), else {@code tpe} (mixed, conditional and numeric spaces alike).
 * The choice is logged once per study. GP and CMA-ES, which the rule will prefer for small numeric
 * spaces, are not built yet.
 */
public final class AutoSamplerFactory implements SamplerFactory {

  private static final System.Logger LOG = System.getLogger("vernier.sampler.auto");

  @Override
  public String name() {
    return "auto";
  }

  @Override
  public String description() {
    return "Chooses for you: nsga2 for multi-objective studies, tpe otherwise.";
  }

  @Override
  public List<SettingSpec> settings() {
    return List.of();
  }

  @Override
  public Sampler create(StudyDefinition study, Settings settings) {
    return create(study, settings, PluginLookup.NONE);
  }

  @Override
  public Sampler create(StudyDefinition study, Settings settings, PluginLookup plugins) {
    String choice = choose(study, plugins);
    LOG.log(System.Logger.Level.INFO, "study {0}: auto sampler chose {1} ({2} objective(s), {3} parameter(s){4})",
        study.name(), choice, study.objectives().size(), study.space().parameters().size(),
        study.space().isConditional() ? ", conditional" : "");
    if (choice.equals("tpe")) {
      return new TpeSamplerFactory().create(study, Settings.empty(), plugins);
    }
    SamplerFactory factory = plugins.sampler(choice).orElseThrow();
    return factory.create(study, Settings.empty(), plugins);
  }

  /** The rule, documented in docs/samplers.md. */
  static String choose(StudyDefinition study, PluginLookup plugins) {
    if (study.isMultiObjective() && plugins.sampler("nsga2").isPresent()) {
      return "nsga2";
    }
    return "tpe";
  }
}
