package vernier.plugins.tpe;

import java.util.List;
import java.util.Map;
import vernier.spi.CategoricalDomain;
import vernier.spi.Parameter;
import vernier.spi.PluginLookup;
import vernier.spi.Sampler;
import vernier.spi.SamplerFactory;
import vernier.spi.SamplingContext;
import vernier.spi.SettingSpec;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;
import vernier.spi.StudyView;
import vernier.spi.Suggestion;

/**
 * {@code auto}: picks a sampler from the study's shape and says which: for two to four objectives
 * {@code tpe} (MOTPE, ahead of NSGA-II on both multi-objective problems of
 * bench/run-multiobjective.sh), for more {@code nsga3}; for one objective {@code tpe} for
 * conditional spaces; {@code gp} for unconditional spaces of at most {@value #GP_MAX_PARAMETERS}
 * parameters (where it did best in bench/run-samplers.sh, and its ask stays under a second up to
 * its 500-trial model cap); beyond that {@code cmaes} for purely numeric spaces, else {@code tpe}.
 * Each only when installed, else {@code tpe}. The choice is logged whenever the sampler is made
 * (when the study is created and each time it is loaded).
 */
public final class AutoSamplerFactory implements SamplerFactory {

  static final int GP_MAX_PARAMETERS = 20;
  static final int MOTPE_MAX_OBJECTIVES = 4;

  private static final System.Logger LOG = System.getLogger("vernier.sampler.auto");

  @Override
  public String name() {
    return "auto";
  }

  @Override
  public String description() {
    return "Chooses for you: tpe (MOTPE) for 2-4 objectives, nsga3 beyond; tpe for conditional"
        + " spaces, gp for up to "
        + GP_MAX_PARAMETERS
        + " parameters, else cmaes (numeric) or tpe.";
  }

  static final SettingSpec GP_MAX_TRIALS =
      SettingSpec.integer(
              "gp_max_trials",
              300,
              "gp hands over to cmaes (numeric spaces) or tpe once the study holds this many"
                  + " trials")
          .range(1, 1_000_000);
  static final SettingSpec HANDOVER_WAITING =
      SettingSpec.integer(
              "handover_waiting",
              16,
              "gp hands over as soon as this many asks wait at once for the sampler")
          .range(1, 1_000_000);

  @Override
  public List<SettingSpec> settings() {
    return List.of(GP_MAX_TRIALS, HANDOVER_WAITING);
  }

  @Override
  public Sampler create(StudyDefinition study, Settings settings) {
    return create(study, settings, PluginLookup.NONE);
  }

  @Override
  public Sampler create(StudyDefinition study, Settings given, PluginLookup plugins) {
    Settings settings = given.validate(name(), settings());
    String choice = choose(study, plugins);
    String why =
        "chose "
            + choice
            + ": "
            + study.objectives().size()
            + (study.objectives().size() == 1 ? " objective, " : " objectives, ")
            + study.space().parameters().size()
            + (study.space().parameters().size() == 1 ? " parameter" : " parameters")
            + (study.space().isConditional() ? ", conditional" : "");
    LOG.log(System.Logger.Level.INFO, "study {0}: auto sampler {1}", study.name(), why);
    Sampler chosen = make(choice, study, Settings.empty(), plugins);
    if (!choice.equals("gp")) {
      return new Chosen(chosen, why);
    }
    String successor = successor(study, plugins);
    return new Handover(
        chosen,
        "gp",
        successor,
        from ->
            make(
                successor,
                study,
                successor.equals("cmaes") && from > 0
                    ? Settings.of(Map.of("warm_start_trials", (double) from))
                    : Settings.empty(),
                plugins),
        settings.getInt(GP_MAX_TRIALS),
        settings.getInt(HANDOVER_WAITING),
        study.budgetAtMost(settings.getInt(GP_MAX_TRIALS)),
        why.substring("chose gp: ".length()));
  }

  private static Sampler make(
      String name, StudyDefinition study, Settings settings, PluginLookup plugins) {
    if (name.equals("tpe")) {
      return new TpeSamplerFactory().create(study, settings, plugins);
    }
    return plugins.sampler(name).orElseThrow().create(study, settings, plugins);
  }

  /** Who takes over from gp: cmaes for numeric spaces (when installed), else tpe. */
  static String successor(StudyDefinition study, PluginLookup plugins) {
    List<Parameter> params = study.space().parameters();
    boolean numeric =
        params.size() >= 2
            && params.stream().noneMatch(p -> p.domain() instanceof CategoricalDomain);
    return numeric && plugins.sampler("cmaes").isPresent() ? "cmaes" : "tpe";
  }

  /** The chosen sampler, which also says what was chosen and why. */
  private record Chosen(Sampler delegate, String description) implements Sampler {
    @Override
    public Suggestion suggest(StudyView study, SamplingContext context) {
      return delegate.suggest(study, context);
    }

    @Override
    public List<Suggestion> suggestBatch(StudyView study, int count, SamplingContext context) {
      return delegate.suggestBatch(study, count, context);
    }
  }

  /** The rule, documented in docs/samplers.md. */
  static String choose(StudyDefinition study, PluginLookup plugins) {
    if (study.isMultiObjective()) {
      return study.objectives().size() > MOTPE_MAX_OBJECTIVES
              && plugins.sampler("nsga3").isPresent()
          ? "nsga3"
          : "tpe";
    }
    List<Parameter> params = study.space().parameters();
    if (study.space().isConditional()) {
      return "tpe";
    }
    if (params.size() <= GP_MAX_PARAMETERS && plugins.sampler("gp").isPresent()) {
      return "gp";
    }
    boolean numeric =
        params.size() >= 2
            && params.stream().noneMatch(p -> p.domain() instanceof CategoricalDomain);
    return numeric && plugins.sampler("cmaes").isPresent() ? "cmaes" : "tpe";
  }
}
