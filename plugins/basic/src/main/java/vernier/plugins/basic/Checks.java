package vernier.plugins.basic;

import vernier.spi.SettingSpec;
import vernier.spi.Settings;

/** Value checks of settings, failing with a message that names the setting. */
final class Checks {

  private Checks() {}

  static int atLeast(
      String plugin, Settings settings, SettingSpec spec, int defaultValue, int min) {
    int value = settings.getInt(spec.name(), defaultValue);
    if (value < min) {
      throw new IllegalArgumentException(
          "setting '" + spec.name() + "' of " + plugin + " must be >= " + min + ", got " + value);
    }
    return value;
  }

  static double between(
      String plugin,
      Settings settings,
      SettingSpec spec,
      double defaultValue,
      double min,
      double max) {
    double value = settings.getDouble(spec.name(), defaultValue);
    if (!(value >= min && value <= max)) {
      throw new IllegalArgumentException(
          "setting '"
              + spec.name()
              + "' of "
              + plugin
              + " must be in ["
              + min
              + ", "
              + max
              + "], got "
              + value);
    }
    return value;
  }
}
