package vernier.plugins.tpe;

import java.util.List;
import vernier.spi.CategoricalDomain;
import vernier.spi.PluginLookup;
import vernier.spi.Sampler;
import vernier.spi.SamplerFactory;
import vernier.spi.SettingSpec;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;

/**
 * {@code auto}: picks a sampler from the study's shape and says which: {@code nsga2} for several
 * objectives, {@code cmaes} for a purely numeric, unconditional space of two or more parameters
 * (where it did best in bench/run-samplers.sh), else {@code tpe} (categorical or conditional
 * parameters); each only when installed, else {@code tpe}. The choice is logged whenever the sampler
 * is made (when the study is created and each time it is loaded).
 */
public final class AutoSamplerFactory implements SamplerFactory {

  private static final System.Logger LOG = System.getLogger("vernier.sampler.auto");

  @Override
  public String name() {
    return "auto";
  }

  @Override
  public String description() {
    return "Chooses for you: nsga2 for several objectives, cmaes for numeric spaces, tpe otherwise.";
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
    if (study.isMultiObjective()) {
      return plugins.sampler("nsga2").isPresent() ? "nsga2" : "tpe";
    }
    boolean numeric = study.space().parameters().size() >= 2 && !study.space().isConditional()
        && study.space().parameters().stream().noneMatch(p -> p.domain() instanceof CategoricalDomain);
    return numeric && plugins.sampler("cmaes").isPresent() ? "cmaes" : "tpe";
  }
}
