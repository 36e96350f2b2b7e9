package vernier.plugins.basic;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import vernier.spi.Direction;
import vernier.spi.PluginLookup;
import vernier.spi.Pruner;
import vernier.spi.PrunerFactory;
import vernier.spi.SettingSpec;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;

/**
 * {@code patient}: tolerates a plateau, as Optuna's {@code PatientPruner}: the patience rule of
 * early stopping (Prechelt, "Early Stopping — But When?", in Neural Networks: Tricks of the Trade,
 * 1998; Bengio, "Practical Recommendations for Gradient-Based Training of Deep Architectures",
 * 2012). The trial counts as stalled when the best of its last {@code patience + 1} reports is
 * worse than its best before them by more than {@code min_delta}; patience counts reports, not
 * steps, so sparse reports stretch it. A trial that is not stalled is never pruned, a stalled one
 * is judged by the wrapped pruner (or pruned, without one). The wrapped pruner gets this pruner's
 * {@code metric} and {@code direction} unless its own settings name either.
 */
public final class PatientPrunerFactory implements PrunerFactory {

  static final SettingSpec PATIENCE =
      SettingSpec.integer("patience", 3, "reports without improvement to tolerate").atLeast(0);
  static final SettingSpec MIN_DELTA =
      SettingSpec.number("min_delta", 0.0, "a setback up to this much does not count as stalling")
          .atLeast(0)
          .below(Double.POSITIVE_INFINITY);
  static final SettingSpec WRAPPED =
      SettingSpec.optional(
          "wrapped",
          SettingSpec.Type.STRING,
          "the pruner that decides once patience runs out (e.g. median); absent or none: prune"
              + " then");
  static final SettingSpec WRAPPED_SETTINGS =
      SettingSpec.optional(
          "wrapped_settings", SettingSpec.Type.MAP, "settings of the wrapped pruner");

  @Override
  public String name() {
    return "patient";
  }

  @Override
  public String description() {
    return "Never prunes while the trial still improves; after `patience` reports without"
        + " improvement, defers to the wrapped pruner.";
  }

  @Override
  public List<SettingSpec> settings() {
    List<SettingSpec> all =
        new ArrayList<>(List.of(PATIENCE, MIN_DELTA, WRAPPED, WRAPPED_SETTINGS));
    all.addAll(PruneTarget.settings());
    return all;
  }

  @Override
  public Pruner create(StudyDefinition study, Settings settings) {
    return create(study, settings, PluginLookup.NONE);
  }

  @Override
  public Pruner create(StudyDefinition study, Settings given, PluginLookup plugins) {
    Settings settings = given.validate(name(), settings());
    int patience = settings.getInt(PATIENCE);
    double minDelta = settings.getDouble(MIN_DELTA);
    PruneTarget target = PruneTarget.of(study, settings);
    Pruner wrapped = wrapped(study, settings, plugins);
    return (view, trial, step) -> {
      NavigableMap<Long, Double> curve = trial.intermediate(target.metric());
      if (!curve.containsKey(step) || curve.size() <= patience + 1) {
        return false;
      }
      Long firstRecent =
          curve.headMap(step, true).descendingKeySet().stream()
              .skip(patience)
              .findFirst()
              .orElseThrow();
      double before = Curves.best(curve.headMap(firstRecent, false), target.direction());
      double recent = Curves.best(curve.subMap(firstRecent, true, step, true), target.direction());
      boolean stalled =
          target.direction() == Direction.MINIMIZE
              ? before + minDelta < recent
              : before - minDelta > recent;
      return stalled && (wrapped == null || wrapped.shouldPrune(view, trial, step));
    };
  }

  private Pruner wrapped(StudyDefinition study, Settings settings, PluginLookup plugins) {
    String name = settings.getString(WRAPPED);
    if (name == null || name.equals("none")) {
      return null;
    }
    if (name.equals(name())) {
      throw settings.invalid(WRAPPED, "must name another pruner");
    }
    PrunerFactory factory =
        plugins
            .pruner(name)
            .orElseThrow(() -> settings.invalid(WRAPPED, "must name an installed pruner"));
    Map<String, Object> inner = new HashMap<>(settings.getSettings(WRAPPED_SETTINGS).asMap());
    boolean namesItsOwnTarget =
        PruneTarget.settings().stream().anyMatch(s -> inner.containsKey(s.name()));
    if (!namesItsOwnTarget) { // judge the metric this pruner watches; metric and direction go
      // together
      for (SettingSpec s : PruneTarget.settings()) {
        String value = settings.getString(s);
        if (value != null && factory.settings().stream().anyMatch(f -> f.name().equals(s.name()))) {
          inner.put(s.name(), value);
        }
      }
    }
    return factory.create(study, Settings.of(inner).validate(name, factory.settings()), plugins);
  }
}
