package vernier.plugins.basic;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import vernier.spi.Pruner;
import vernier.spi.PrunerFactory;
import vernier.spi.SettingSpec;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;

/**
 * {@code threshold}: prunes a trial whose latest value is NaN or outside {@code [lower, upper]} (as
 * Optuna's {@code ThresholdPruner}): a guard against divergence that needs no other trial. It rests
 * on no paper: it is a bounds check. The bounds are absolute, whatever the direction; a check
 * happens at the first report past each {@code interval_steps} boundary after warm-up, and a NaN is
 * pruned at any report.
 */
public final class ThresholdPrunerFactory implements PrunerFactory {

  static final SettingSpec LOWER =
      SettingSpec.number(
          "lower",
          Double.NEGATIVE_INFINITY,
          "prune when the value falls below this (give lower, upper or both)");
  static final SettingSpec UPPER =
      SettingSpec.number(
          "upper",
          Double.POSITIVE_INFINITY,
          "prune when the value rises above this (give lower, upper or both)");
  static final SettingSpec WARMUP =
      SettingSpec.integer("n_warmup_steps", 0, "no pruning before this step").atLeast(0);
  static final SettingSpec INTERVAL =
      SettingSpec.integer(
              "interval_steps",
              1,
              "check only when a report crosses a multiple of this many steps after warm-up")
          .atLeast(1);

  @Override
  public String name() {
    return "threshold";
  }

  @Override
  public String description() {
    return "Prunes a trial whose latest value is NaN or outside [lower, upper].";
  }

  @Override
  public List<SettingSpec> settings() {
    List<SettingSpec> all = new ArrayList<>(List.of(LOWER, UPPER, WARMUP, INTERVAL));
    all.addAll(PruneTarget.settings());
    return all;
  }

  @Override
  public Pruner create(StudyDefinition study, Settings given) {
    Settings settings = given.validate(name(), settings());
    double lower = settings.getDouble(LOWER);
    double upper = settings.getDouble(UPPER);
    if (!settings.isSet(LOWER) && !settings.isSet(UPPER)) {
      throw settings.invalid(UPPER, "or lower must be given: the pruner needs a bound");
    }
    if (!(lower <= upper)) {
      throw settings.invalid(LOWER, "must not exceed upper (" + upper + ")");
    }
    long warmup = settings.getInt(WARMUP);
    long interval = settings.getInt(INTERVAL);
    String metric = PruneTarget.of(study, settings).metric();
    return (view, trial, step) -> {
      NavigableMap<Long, Double> curve = trial.intermediate(metric);
      Double v = curve.get(step);
      if (v == null || !Curves.checked(curve, step, warmup, interval)) {
        return v != null && Double.isNaN(v);
      }
      return Double.isNaN(v) || v < lower || v > upper;
    };
  }
}
