package vernier.cli;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import vernier.v1.PluginSpec;

/**
 * A plugin named on the command line with optional settings: {@code hyperband:reduction_factor=4}
 * or {@code gp:warp_output=false:n_startup_trials=5}. Values read as booleans, then numbers, else
 * strings; the server validates them against the plugin's settings.
 */
public final class PluginArgs {

  private PluginArgs() {}

  public static PluginSpec parse(String text) {
    String[] parts = text.split(":");
    if (parts[0].isEmpty()) {
      throw new IllegalArgumentException("plugin '" + text + "' has no name before its settings");
    }
    Struct.Builder settings = Struct.newBuilder();
    for (int i = 1; i < parts.length; i++) {
      String[] kv = parts[i].split("=", 2);
      if (kv.length != 2 || kv[0].isEmpty()) {
        throw new IllegalArgumentException(
            "setting '" + parts[i] + "' in '" + text + "' is not key=value");
      }
      settings.putFields(kv[0], value(kv[1]));
    }
    return PluginSpec.newBuilder().setName(parts[0]).setSettings(settings).build();
  }

  private static Value value(String text) {
    if (text.equals("true") || text.equals("false")) {
      return Value.newBuilder().setBoolValue(Boolean.parseBoolean(text)).build();
    }
    try {
      return Value.newBuilder().setNumberValue(Double.parseDouble(text)).build();
    } catch (NumberFormatException e) {
      return Value.newBuilder().setStringValue(text).build();
    }
  }
}
