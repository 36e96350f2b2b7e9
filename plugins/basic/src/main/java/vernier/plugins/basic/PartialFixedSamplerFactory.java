package vernier.plugins.basic;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import vernier.spi.CategoricalDomain;
import vernier.spi.Domain;
import vernier.spi.FloatDomain;
import vernier.spi.IntDomain;
import vernier.spi.ParamValue;
import vernier.spi.Parameter;
import vernier.spi.PluginLookup;
import vernier.spi.Sampler;
import vernier.spi.SamplerFactory;
import vernier.spi.SearchSpace;
import vernier.spi.SettingSpec;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;
import vernier.spi.StudyView;
import vernier.spi.Suggestion;
import vernier.spi.TrialState;
import vernier.spi.TrialView;

/**
 * {@code partial-fixed}: pins some parameters to fixed values and lets a wrapped sampler choose the
 * rest, as Optuna's {@code PartialFixedSampler}. The wrapped sampler sees the space without the
 * pinned parameters (a child of a pinned parent is kept, unconditionally, only if the pinned value
 * activates it) and trials projected onto that space.
 */
public final class PartialFixedSamplerFactory implements SamplerFactory {

  static final SettingSpec PARAMS =
      SettingSpec.required(
          "params",
          SettingSpec.Type.MAP,
          "the pinned parameters and their values, e.g. {batch_size: 64, optimizer: adam}");
  static final SettingSpec WRAPPED =
      SettingSpec.string("wrapped", "random", "the sampler for the other parameters");
  static final SettingSpec WRAPPED_SETTINGS =
      SettingSpec.optional(
          "wrapped_settings", SettingSpec.Type.MAP, "settings of the wrapped sampler");

  @Override
  public String name() {
    return "partial-fixed";
  }

  @Override
  public String description() {
    return "Pins some parameters and lets the wrapped sampler choose the others.";
  }

  @Override
  public List<SettingSpec> settings() {
    return List.of(PARAMS, WRAPPED, WRAPPED_SETTINGS);
  }

  @Override
  public Sampler create(StudyDefinition study, Settings settings) {
    return create(study, settings, PluginLookup.NONE);
  }

  @Override
  public Sampler create(StudyDefinition study, Settings given, PluginLookup plugins) {
    Settings settings = given.validate(name(), settings());
    if (settings.getSettings(PARAMS).keys().isEmpty()) {
      throw settings.invalid(PARAMS, "must pin at least one parameter");
    }
    Map<String, ParamValue> fixed = pinned(study.space(), settings.getSettings(PARAMS).asMap());
    SearchSpace reduced = reduce(study.space(), fixed);
    StudyDefinition inner =
        new StudyDefinition(
            study.name(), reduced, study.objectives(), study.constraints(), study.seed());
    String name = settings.getString(WRAPPED);
    if (name.equals(name())) {
      throw settings.invalid(WRAPPED, "must name another sampler");
    }
    SamplerFactory factory =
        name.equals("random")
            ? new RandomSamplerFactory()
            : plugins
                .sampler(name)
                .orElseThrow(() -> settings.invalid(WRAPPED, "must name an installed sampler"));
    Sampler delegate =
        factory.create(
            inner,
            settings.getSettings(WRAPPED_SETTINGS).validate(name, factory.settings()),
            plugins);
    Set<String> kept =
        reduced.parameters().stream().map(Parameter::name).collect(Collectors.toSet());
    return (view, context) -> {
      Suggestion s = delegate.suggest(new Projected(view, inner, kept), context);
      if (!(s instanceof Suggestion.Params p)) {
        return s;
      }
      // the wrapped sampler's plan (e.g. pbt's checkpoint, max step and labels) goes through
      // unchanged
      return new Suggestion.Params(
          study
              .space()
              .assign(
                  (param, assigned) ->
                      fixed.containsKey(param.name())
                          ? fixed.get(param.name())
                          : p.values().get(param.name())),
          p.startFrom(),
          p.maxStep(),
          p.labels());
    };
  }

  /** The pinned values, checked against their domains. */
  private static Map<String, ParamValue> pinned(SearchSpace space, Map<String, Object> given) {
    Map<String, ParamValue> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : given.entrySet()) {
      Parameter p =
          space
              .parameter(e.getKey())
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "partial-fixed pins an unknown parameter '" + e.getKey() + "'"));
      ParamValue v = convert(p.domain(), e.getValue());
      if (v == null || !p.domain().contains(v)) {
        throw new IllegalArgumentException(
            "partial-fixed pins '"
                + e.getKey()
                + "' to "
                + e.getValue()
                + ", outside "
                + p.domain().describe());
      }
      out.put(e.getKey(), v);
    }
    return out;
  }

  private static ParamValue convert(Domain domain, Object value) {
    if (domain instanceof FloatDomain && value instanceof Number n) {
      return ParamValue.of(n.doubleValue());
    }
    if (domain instanceof IntDomain
        && value instanceof Number n
        && n.doubleValue() == Math.rint(n.doubleValue())) {
      return ParamValue.of(n.longValue());
    }
    if (domain instanceof CategoricalDomain c) {
      return c.choices().stream().filter(choice -> matches(choice, value)).findFirst().orElse(null);
    }
    return null;
  }

  private static boolean matches(ParamValue choice, Object value) {
    if (choice instanceof ParamValue.StringValue s) {
      return s.value().equals(value);
    }
    if (choice instanceof ParamValue.BoolValue b) {
      return Boolean.valueOf(b.value()).equals(value);
    }
    return value instanceof Number n && choice.asDouble() == n.doubleValue();
  }

  /** The space without pinned parameters; children of pinned parents are kept only if activated. */
  static SearchSpace reduce(SearchSpace space, Map<String, ParamValue> fixed) {
    List<Parameter> kept = new ArrayList<>();
    Set<String> dropped = new HashSet<>(fixed.keySet());
    for (Parameter p : space.parameters()) {
      if (fixed.containsKey(p.name())) {
        continue;
      }
      Optional<String> parent = p.condition().map(c -> c.parent());
      if (parent.isPresent() && fixed.containsKey(parent.get())) {
        if (p.condition().get().values().contains(fixed.get(parent.get()))) {
          kept.add(Parameter.of(p.name(), p.domain()));
        } else {
          dropped.add(p.name());
        }
      } else if (parent.isPresent() && dropped.contains(parent.get())) {
        dropped.add(p.name());
      } else {
        kept.add(p);
      }
    }
    if (kept.isEmpty()) {
      throw new IllegalArgumentException(
          "partial-fixed pins every parameter: nothing is left to sample");
    }
    return new SearchSpace(kept);
  }

  /**
   * The study as the wrapped sampler sees it: the reduced space, trials without the pinned
   * parameters.
   */
  private record Projected(StudyView study, StudyDefinition definition, Set<String> kept)
      implements StudyView {
    @Override
    public List<? extends TrialView> trials() {
      return study.trials().stream().map(this::project).toList();
    }

    @Override
    public List<? extends TrialView> trials(TrialState state) {
      return study.trials(state).stream().map(this::project).toList();
    }

    private TrialView project(TrialView t) {
      Map<String, ParamValue> params = new LinkedHashMap<>();
      t.params()
          .forEach(
              (k, v) -> {
                if (kept.contains(k)) {
                  params.put(k, v);
                }
              });
      return new ProjectedTrial(t, params);
    }
  }

  private record ProjectedTrial(TrialView trial, Map<String, ParamValue> params)
      implements TrialView {
    @Override
    public java.util.Optional<vernier.spi.Checkpoint> startFrom() {
      return trial.startFrom();
    }

    @Override
    public long maxStep() {
      return trial.maxStep();
    }

    @Override
    public Map<String, String> labels() {
      return trial.labels();
    }

    @Override
    public long number() {
      return trial.number();
    }

    @Override
    public TrialState state() {
      return trial.state();
    }

    @Override
    public Map<String, Double> values() {
      return trial.values();
    }

    @Override
    public NavigableMap<Long, Double> intermediate(String metric) {
      return trial.intermediate(metric);
    }

    @Override
    public long lastStep() {
      return trial.lastStep();
    }

    @Override
    public int attempt() {
      return trial.attempt();
    }

    @Override
    public boolean feasible() {
      return trial.feasible();
    }
  }
}
