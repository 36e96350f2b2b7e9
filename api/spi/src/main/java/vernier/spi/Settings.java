package vernier.spi;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A plugin's settings as given in the study spec: numbers (as {@link Double}), strings, booleans,
 * lists and maps.
 *
 * <p>A factory's {@code create} starts with {@code settings.validate(name(), settings())}, which
 * refuses unknown keys and every value its {@link SettingSpec} does not allow, and then reads typed
 * values with {@link #getInt(SettingSpec)} and friends: they return the spec's default when the key
 * is absent, so no default is written twice. Rules between settings (one at least another) fail
 * through {@link #invalid} in the same message format.
 */
public final class Settings {

  private final Map<String, Object> values;

  /** The plugin named by {@link #validate}, for messages; null before. */
  private final String plugin;

  private Settings(Map<String, Object> values, String plugin) {
    this.values = Map.copyOf(values);
    this.plugin = plugin;
  }

  public static Settings of(Map<String, ?> values) {
    return new Settings(Map.copyOf(values), null);
  }

  public static Settings empty() {
    return new Settings(Map.of(), null);
  }

  public Set<String> keys() {
    return values.keySet();
  }

  public Map<String, Object> asMap() {
    return values;
  }

  /**
   * Checks the settings against a plugin's declared ones: every key is declared, every given value
   * is allowed by its spec, every required setting is given.
   *
   * @return these settings, naming {@code plugin} in the messages of the typed getters
   * @throws IllegalArgumentException for an unknown key ({@code unknown setting 'x' for tpe;
   *     accepted: ...}) or a refused value ({@code tpe: setting gamma must be a number in (0, 1),
   *     got 1.5})
   */
  public Settings validate(String plugin, Collection<SettingSpec> specs) {
    Map<String, SettingSpec> byName =
        specs.stream()
            .collect(Collectors.toMap(SettingSpec::name, s -> s, (a, b) -> a, TreeMap::new));
    for (String key : new TreeSet<>(values.keySet())) {
      if (!byName.containsKey(key)) {
        throw new IllegalArgumentException(
            "unknown setting '"
                + key
                + "' for "
                + plugin
                + "; accepted: "
                + (byName.isEmpty() ? "none" : String.join(", ", byName.keySet())));
      }
    }
    for (SettingSpec spec : specs) {
      spec.check(plugin, values.get(spec.name()));
    }
    return new Settings(values, plugin);
  }

  /** Whether the study gave this setting (else its default, if any, applies). */
  public boolean isSet(SettingSpec spec) {
    return values.containsKey(spec.name());
  }

  /**
   * An {@link SettingSpec.Type#INTEGER} setting, or its default.
   *
   * @throws IllegalArgumentException when the value is not allowed, in the one message format
   */
  public long getLong(SettingSpec spec) {
    return ((Number) present(spec, SettingSpec.Type.INTEGER)).longValue();
  }

  /**
   * An {@link SettingSpec.Type#INTEGER} setting whose range fits in an {@code int}, or its default.
   *
   * @throws IllegalArgumentException when the value is not allowed, in the one message format
   * @throws IllegalStateException when the declared range does not fit in an {@code int}
   */
  public int getInt(SettingSpec spec) {
    if (!(spec.allowed() instanceof SettingSpec.IntRange r && r.fitsInt())) {
      throw new IllegalStateException(
          "setting "
              + spec.name()
              + " allows "
              + spec.allowed().describe()
              + ", beyond int: declare a range within int or read it with getLong");
    }
    return (int) getLong(spec);
  }

  /**
   * A {@link SettingSpec.Type#NUMBER} setting, or its default.
   *
   * @throws IllegalArgumentException when the value is not allowed, in the one message format
   */
  public double getDouble(SettingSpec spec) {
    return ((Number) present(spec, SettingSpec.Type.NUMBER)).doubleValue();
  }

  /** A {@link SettingSpec.Type#BOOLEAN} setting, or its default. */
  public boolean getBoolean(SettingSpec spec) {
    return (Boolean) present(spec, SettingSpec.Type.BOOLEAN);
  }

  /**
   * A {@link SettingSpec.Type#STRING} setting, or its default; null when it is absent by default
   * and not given. With {@link SettingSpec#choicesIgnoringCase} the choice's declared spelling.
   */
  public String getString(SettingSpec spec) {
    Object v = value(spec, SettingSpec.Type.STRING);
    return spec.allowed() instanceof SettingSpec.Choices c ? c.canonical(v) : (String) v;
  }

  /** A {@link SettingSpec.Type#LIST} setting; empty when not given. */
  public List<?> getList(SettingSpec spec) {
    Object v = value(spec, SettingSpec.Type.LIST);
    return v == null ? List.of() : (List<?>) v;
  }

  /** A {@link SettingSpec.Type#MAP} setting as nested settings; empty when not given. */
  @SuppressWarnings("unchecked")
  public Settings getSettings(SettingSpec spec) {
    Object v = value(spec, SettingSpec.Type.MAP);
    return v == null ? empty() : of((Map<String, ?>) v);
  }

  /**
   * A refusal of a setting's value by a rule the spec cannot state (one setting at least another,
   * no effect without another), in the one message format: {@code <plugin>: setting <name>
   * <problem>, got <value>}.
   *
   * @param problem e.g. {@code "must be at least interval (20)"}
   */
  public IllegalArgumentException invalid(SettingSpec spec, String problem) {
    Object v = values.containsKey(spec.name()) ? values.get(spec.name()) : spec.defaultValue();
    return new IllegalArgumentException(SettingSpec.refusal(plugin, spec.name(), problem, v));
  }

  /** The checked value, given or default; null only when absent by default. */
  private Object value(SettingSpec spec, SettingSpec.Type type) {
    if (spec.type() != type) {
      throw new IllegalStateException(
          "setting " + spec.name() + " is of type " + spec.type() + ", not " + type);
    }
    Object v = values.containsKey(spec.name()) ? values.get(spec.name()) : spec.defaultValue();
    spec.check(plugin, v);
    return v;
  }

  /** The checked value of a setting that has one (given, default or required). */
  private Object present(SettingSpec spec, SettingSpec.Type type) {
    Object v = value(spec, type);
    if (v == null) {
      throw new IllegalStateException(
          "setting " + spec.name() + " is absent by default: test isSet before reading it");
    }
    return v;
  }

  /**
   * A number setting read without its spec; prefer {@link #getDouble(SettingSpec)}, which takes the
   * default and the range from the spec.
   */
  public double getDouble(String key, double defaultValue) {
    Object v = values.get(key);
    return v == null ? defaultValue : ((Number) v).doubleValue();
  }

  /** An integer setting read without its spec; prefer {@link #getLong(SettingSpec)}. */
  public long getLong(String key, long defaultValue) {
    Object v = values.get(key);
    return v == null ? defaultValue : ((Number) v).longValue();
  }

  /**
   * An integer setting read without its spec; prefer {@link #getInt(SettingSpec)}.
   *
   * @throws IllegalArgumentException naming the key when the value is not an {@code int}
   */
  public int getInt(String key, int defaultValue) {
    Object v = values.get(key);
    if (v == null) {
      return defaultValue;
    }
    if (!SettingSpec.IntRange.INT.allows(v)) {
      throw new IllegalArgumentException(
          SettingSpec.refusal(
              plugin, key, "must be an integer in " + SettingSpec.IntRange.INT.describe(), v));
    }
    return ((Number) v).intValue();
  }

  /** A boolean setting read without its spec; prefer {@link #getBoolean(SettingSpec)}. */
  public boolean getBoolean(String key, boolean defaultValue) {
    Object v = values.get(key);
    return v == null ? defaultValue : (Boolean) v;
  }

  /** A string setting read without its spec; prefer {@link #getString(SettingSpec)}. */
  public String getString(String key, String defaultValue) {
    Object v = values.get(key);
    return v == null ? defaultValue : (String) v;
  }

  /** Nested settings under {@code key} (empty when absent). */
  @SuppressWarnings("unchecked")
  public Settings getSettings(String key) {
    Object v = values.get(key);
    return v == null ? empty() : of((Map<String, ?>) v);
  }

  @Override
  public String toString() {
    return new TreeMap<>(values).toString();
  }
}
