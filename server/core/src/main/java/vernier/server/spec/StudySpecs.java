package vernier.server.spec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import vernier.server.ApiException;
import vernier.server.Protos;
import vernier.server.check.Violations;
import vernier.server.plugin.PluginRegistry;
import vernier.spi.CategoricalDomain;
import vernier.spi.Condition;
import vernier.spi.Constraint;
import vernier.spi.Direction;
import vernier.spi.Domain;
import vernier.spi.FloatDomain;
import vernier.spi.IntDomain;
import vernier.spi.Objective;
import vernier.spi.Parameter;
import vernier.spi.PluginFactory;
import vernier.spi.Pruner;
import vernier.spi.Sampler;
import vernier.spi.SearchSpace;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;
import vernier.v1.Limits;
import vernier.v1.ParameterSpec;
import vernier.v1.PluginSpec;
import vernier.v1.StudySpec;

/**
 * Validates a {@link StudySpec} field by field and turns it into the SPI's {@link StudyDefinition}
 * and plugins. Every problem is reported at once with the path of its field.
 */
public final class StudySpecs {

  /**
   * The sampler of a study whose spec names none: {@code auto}, which picks one from the study's
   * shape; {@link #FALLBACK_SAMPLER} on a server without it. The one place this default is decided.
   */
  public static final String DEFAULT_SAMPLER = "auto";

  /**
   * The sampler that stands in for {@link #DEFAULT_SAMPLER} where that is not installed, and the
   * sampler of a stored spec that names none: specs stored before the default was written into them
   * ran with {@code random}, and a stored study never changes its sampler.
   */
  public static final String FALLBACK_SAMPLER = "random";

  public static final String DEFAULT_PRUNER = "none";
  private static final Pattern PARAM_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,127}");
  private static final double STEP_TOLERANCE = 1e-9;

  private final PluginRegistry plugins;

  public StudySpecs(PluginRegistry plugins) {
    this.plugins = plugins;
  }

  /**
   * The spec as it will be stored: an unnamed sampler becomes {@link #defaultSampler()} and an
   * unnamed pruner {@link #DEFAULT_PRUNER}, so a study keeps the plugins it was created with even
   * if the installed set changes later.
   */
  public StudySpec withDefaults(StudySpec spec) {
    StudySpec.Builder b = spec.toBuilder();
    if (spec.getSampler().getName().isEmpty()) {
      b.getSamplerBuilder().setName(defaultSampler());
    }
    if (spec.getPruner().getName().isEmpty()) {
      b.getPrunerBuilder().setName(DEFAULT_PRUNER);
    }
    return b.build();
  }

  /** {@link #DEFAULT_SAMPLER} if installed, else {@link #FALLBACK_SAMPLER}. */
  public String defaultSampler() {
    return plugins.sampler(DEFAULT_SAMPLER).isPresent() ? DEFAULT_SAMPLER : FALLBACK_SAMPLER;
  }

  /**
   * Whether a trial label key is in an installed sampler's namespace ({@code pbt.member}): such
   * keys are the sampler's plan, set only through its suggestions.
   */
  public boolean isSamplerLabel(String key) {
    int dot = key.indexOf('.');
    return dot > 0 && plugins.sampler(key.substring(0, dot)).isPresent();
  }

  /** A validated study: its definition and the plugins made for it. */
  public record Compiled(
      StudyDefinition definition, StudyLimits limits, Sampler sampler, Pruner pruner) {}

  /**
   * Validates {@code spec} and creates its plugins.
   *
   * @throws ApiException INVALID_ARGUMENT listing every bad field
   */
  public Compiled compile(String studyId, StudySpec spec, long seed) {
    Violations v = new Violations();
    SearchSpace space = space(spec.getParametersList(), v);
    List<Objective> objectives = objectives(spec, v);
    List<Constraint> constraints = constraints(spec, v);
    limits(spec.getLimits(), v);
    v.throwIfAny();
    StudyDefinition definition =
        new StudyDefinition(
            studyId, space, objectives, constraints, seed, spec.getLimits().getMaxTrials());
    Sampler sampler = createSampler(spec.getSampler(), definition, v);
    Pruner pruner = createPruner(spec.getPruner(), definition, v);
    v.throwIfAny();
    return new Compiled(definition, StudyLimits.of(spec.getLimits()), sampler, pruner);
  }

  private SearchSpace space(List<ParameterSpec> specs, Violations v) {
    if (specs.isEmpty()) {
      v.add("spec.parameters", "at least one parameter is required");
    }
    List<Parameter> parameters = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < specs.size(); i++) {
      ParameterSpec p = specs.get(i);
      String field = "spec.parameters[" + i + "]";
      if (!PARAM_NAME.matcher(p.getName()).matches()) {
        v.add(
            field + ".name",
            p.getName().isEmpty()
                ? "must not be empty"
                : "'" + p.getName() + "' must match " + PARAM_NAME.pattern());
      } else if (!names.add(p.getName())) {
        v.add(field + ".name", "duplicate parameter name '" + p.getName() + "'");
      }
      Domain domain = domain(p, field, v);
      Optional<Condition> condition = condition(p, field, parameters, v);
      if (domain != null && condition != null) {
        parameters.add(new Parameter(p.getName(), domain, condition));
      }
    }
    return new SearchSpace(parameters);
  }

  private static Domain domain(ParameterSpec p, String field, Violations v) {
    return switch (p.getDomainCase()) {
      case FLOAT_DOMAIN -> floatDomain(p.getFloatDomain(), field + ".float_domain", v);
      case INT_DOMAIN -> intDomain(p.getIntDomain(), field + ".int_domain", v);
      case CATEGORICAL -> categorical(p.getCategorical(), field + ".categorical", v);
      case DOMAIN_NOT_SET -> {
        v.add(field, "one of float_domain, int_domain or categorical is required");
        yield null;
      }
    };
  }

  private static FloatDomain floatDomain(vernier.v1.FloatDomain f, String field, Violations v) {
    if (!Double.isFinite(f.getMin()) || !Double.isFinite(f.getMax())) {
      v.add(field, "min and max must be finite");
      return null;
    }
    if (f.getMin() >= f.getMax()) {
      v.add(field + ".min", "min (" + f.getMin() + ") must be less than max (" + f.getMax() + ")");
      return null;
    }
    if (f.getLogScale() && f.getMin() <= 0) {
      v.add(field + ".min", "log scale needs min > 0, got " + f.getMin());
      return null;
    }
    double step = 0;
    if (f.getStep() != 0) {
      step = f.getStep();
      if (!(step > 0) || !Double.isFinite(step)) {
        v.add(field + ".step", "step must be positive, got " + step);
        return null;
      }
      if (f.getLogScale()) {
        v.add(field + ".step", "step cannot be combined with log scale");
        return null;
      }
      double k = (f.getMax() - f.getMin()) / step;
      if (Math.abs(k - Math.rint(k)) > STEP_TOLERANCE * Math.max(1, k)) {
        v.add(
            field + ".step",
            "step " + step + " does not divide the range [" + f.getMin() + ", " + f.getMax() + "]");
        return null;
      }
    }
    return new FloatDomain(f.getMin(), f.getMax(), f.getLogScale(), step);
  }

  private static IntDomain intDomain(vernier.v1.IntDomain d, String field, Violations v) {
    if (d.getMin() >= d.getMax()) {
      v.add(field + ".min", "min (" + d.getMin() + ") must be less than max (" + d.getMax() + ")");
      return null;
    }
    long step = d.getStep() == 0 ? 1 : d.getStep();
    if (step < 1) {
      v.add(field + ".step", "step must be >= 1, got " + step);
      return null;
    }
    if ((d.getMax() - d.getMin()) % step != 0) {
      v.add(
          field + ".step",
          "step " + step + " does not divide the range [" + d.getMin() + ", " + d.getMax() + "]");
      return null;
    }
    if (d.getLogScale() && d.getMin() <= 0) {
      v.add(field + ".min", "log scale needs min > 0, got " + d.getMin());
      return null;
    }
    if (d.getLogScale() && step != 1) {
      v.add(field + ".step", "step cannot be combined with log scale");
      return null;
    }
    return new IntDomain(d.getMin(), d.getMax(), d.getLogScale(), step);
  }

  private static CategoricalDomain categorical(
      vernier.v1.CategoricalDomain c, String field, Violations v) {
    if (c.getChoicesCount() == 0) {
      v.add(field + ".choices", "at least one choice is required");
      return null;
    }
    Set<vernier.spi.ParamValue> seen = new LinkedHashSet<>();
    for (int i = 0; i < c.getChoicesCount(); i++) {
      vernier.spi.ParamValue value = Protos.toSpi(c.getChoices(i));
      String at = field + ".choices[" + i + "]";
      if (value == null) {
        v.add(at, "a value kind (double_value, int_value, string_value or bool_value) is required");
      } else if (value instanceof vernier.spi.ParamValue.DoubleValue d
          && !Double.isFinite(d.value())) {
        v.add(at, "must be finite");
      } else if (!seen.add(value)) {
        v.add(at, "duplicate choice " + value);
      }
    }
    return seen.size() == c.getChoicesCount() ? new CategoricalDomain(List.copyOf(seen)) : null;
  }

  /** The condition (empty when none) or null when invalid. */
  private static Optional<Condition> condition(
      ParameterSpec p, String field, List<Parameter> earlier, Violations v) {
    if (!p.hasCondition()) {
      return Optional.empty();
    }
    vernier.v1.Condition c = p.getCondition();
    Optional<Parameter> parent =
        earlier.stream().filter(e -> e.name().equals(c.getParent())).findFirst();
    if (parent.isEmpty()) {
      v.add(
          field + ".condition.parent",
          "'" + c.getParent() + "' is not a parameter declared before '" + p.getName() + "'");
      return null;
    }
    if (c.getValuesCount() == 0) {
      v.add(field + ".condition.values", "at least one parent value is required");
      return null;
    }
    Set<vernier.spi.ParamValue> values = new HashSet<>();
    for (int i = 0; i < c.getValuesCount(); i++) {
      vernier.spi.ParamValue value = Protos.toSpi(c.getValues(i));
      if (value == null || !parent.get().domain().contains(value)) {
        v.add(
            field + ".condition.values[" + i + "]",
            value
                + " is not a value of '"
                + c.getParent()
                + "' ("
                + parent.get().domain().describe()
                + ")");
        return null;
      }
      values.add(value);
    }
    return Optional.of(new Condition(c.getParent(), values));
  }

  private static List<Objective> objectives(StudySpec spec, Violations v) {
    if (spec.getObjectivesCount() == 0) {
      v.add("spec.objectives", "at least one objective is required");
    }
    List<Objective> out = new ArrayList<>();
    Set<String> metrics = new HashSet<>();
    for (int i = 0; i < spec.getObjectivesCount(); i++) {
      vernier.v1.Objective o = spec.getObjectives(i);
      String field = "spec.objectives[" + i + "]";
      if (o.getMetric().isBlank()) {
        v.add(field + ".metric", "must not be empty");
      } else if (!metrics.add(o.getMetric())) {
        v.add(field + ".metric", "duplicate objective metric '" + o.getMetric() + "'");
      }
      switch (o.getDirection()) {
        case MINIMIZE -> out.add(new Objective(o.getMetric(), Direction.MINIMIZE));
        case MAXIMIZE -> out.add(new Objective(o.getMetric(), Direction.MAXIMIZE));
        default -> v.add(field + ".direction", "must be MINIMIZE or MAXIMIZE");
      }
    }
    return out;
  }

  private static List<Constraint> constraints(StudySpec spec, Violations v) {
    List<Constraint> out = new ArrayList<>();
    for (int i = 0; i < spec.getConstraintsCount(); i++) {
      vernier.v1.Constraint c = spec.getConstraints(i);
      String field = "spec.constraints[" + i + "]";
      if (c.getMetric().isBlank()) {
        v.add(field + ".metric", "must not be empty");
        continue;
      }
      if (!c.hasLowerBound() && !c.hasUpperBound()) {
        v.add(field, "lower_bound or upper_bound is required");
        continue;
      }
      double lower = c.hasLowerBound() ? c.getLowerBound().getValue() : Double.NEGATIVE_INFINITY;
      double upper = c.hasUpperBound() ? c.getUpperBound().getValue() : Double.POSITIVE_INFINITY;
      if (Double.isNaN(lower) || Double.isNaN(upper) || lower > upper) {
        v.add(field, "bounds must be numbers with lower_bound <= upper_bound");
        continue;
      }
      out.add(new Constraint(c.getMetric(), lower, upper));
    }
    return out;
  }

  private static void limits(Limits l, Violations v) {
    if (l.getMaxTrials() < 0) {
      v.add("spec.limits.max_trials", "must be >= 0 (0 = unlimited)");
    }
    if (l.getMaxParallel() < 0) {
      v.add("spec.limits.max_parallel", "must be >= 0 (0 = unlimited)");
    }
    if (l.getMaxFailed() < 0) {
      v.add("spec.limits.max_failed", "must be >= 0 (0 = unlimited)");
    }
    if (l.getMaxAttempts() < 0) {
      v.add("spec.limits.max_attempts", "must be >= 0 (0 or 1 = no retry)");
    }
    if (l.hasLeaseDuration()) {
      Duration d = Protos.duration(l.getLeaseDuration());
      if (d.toMillis() < 100 || d.compareTo(Duration.ofDays(7)) > 0) {
        v.add("spec.limits.lease_duration", "must be between 100ms and 7 days, got " + d);
      }
    }
  }

  private Sampler createSampler(PluginSpec spec, StudyDefinition definition, Violations v) {
    return create(
        "sampler",
        spec,
        FALLBACK_SAMPLER, // only stored specs reach here unnamed: withDefaults names new ones
        plugins.samplers(),
        definition,
        v,
        (f, d, s) -> f.create(d, s, plugins));
  }

  private Pruner createPruner(PluginSpec spec, StudyDefinition definition, Violations v) {
    return create(
        "pruner",
        spec,
        DEFAULT_PRUNER,
        plugins.pruners(),
        definition,
        v,
        (f, d, s) -> f.create(d, s, plugins));
  }

  /**
   * Finds the named factory, checks the settings it declares and makes the plugin; null on
   * violations.
   */
  private static <F extends PluginFactory, P> P create(
      String kind,
      PluginSpec spec,
      String defaultName,
      List<F> factories,
      StudyDefinition definition,
      Violations v,
      PluginMaker<F, P> maker) {
    String name = spec.getName().isEmpty() ? defaultName : spec.getName();
    Optional<F> factory = factories.stream().filter(f -> f.name().equals(name)).findFirst();
    if (factory.isEmpty()) {
      v.add(
          "spec." + kind + ".name",
          "unknown "
              + kind
              + " '"
              + name
              + "'; available: "
              + String.join(", ", factories.stream().map(PluginFactory::name).toList()));
      return null;
    }
    try {
      return maker.make(factory.get(), definition, settings(name, spec, factory.get().settings()));
    } catch (
        RuntimeException e) { // a plugin's refusal, or its bug: either way the study cannot use it
      v.add("spec." + kind + ".settings", message(e));
      return null;
    }
  }

  /** Creates a sampler or a pruner, with the registry for wrappers. */
  @FunctionalInterface
  private interface PluginMaker<F, P> {
    P make(F factory, StudyDefinition definition, Settings settings);
  }

  private static String message(RuntimeException e) {
    return e instanceof IllegalArgumentException ? e.getMessage() : "plugin failed: " + e;
  }

  private static Settings settings(
      String plugin, PluginSpec spec, List<vernier.spi.SettingSpec> declared) {
    Map<String, Object> values = Protos.toJava(spec.getSettings());
    return Settings.of(values).validate(plugin, declared);
  }
}
