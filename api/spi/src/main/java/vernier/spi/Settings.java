package vernier.spi;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A plugin's settings as given in the study spec: numbers (as {@link Double}), strings, booleans
 * and lists. {@link #validate} rejects unknown keys and wrong types with a message naming the key;
 * the typed getters return the caller's default when a key is absent.
 */
public final class Settings {

  private final Map<String, Object> values;

  private Settings(Map<String, Object> values) {
    this.values = Map.copyOf(values);
  }

  public static Settings of(Map<String, ?> values) {
    return new Settings(Map.copyOf(values));
  }

  public static Settings empty() {
    return new Settings(Map.of());
  }

  public Set<String> keys() {
    return values.keySet();
  }

  public Map<String, Object> asMap() {
    return values;
  }

  /**
   * Checks every key is declared and of its declared type.
   *
   * @throws IllegalArgumentException naming the unknown or mistyped key and the accepted ones
   */
  public Settings validate(String plugin, Collection<SettingSpec> specs) {
    Map<String, SettingSpec> byName =
        specs.stream()
            .collect(Collectors.toMap(SettingSpec::name, s -> s, (a, b) -> a, TreeMap::new));
    for (Map.Entry<String, Object> e : values.entrySet()) {
      SettingSpec spec = byName.get(e.getKey());
      if (spec == null) {
        throw new IllegalArgumentException(
            "unknown setting '"
                + e.getKey()
                + "' for "
                + plugin
                + "; accepted: "
                + (byName.isEmpty() ? "none" : String.join(", ", byName.keySet())));
      }
      if (!hasType(e.getValue(), spec.type())) {
        throw new IllegalArgumentException(
            "setting '"
                + e.getKey()
                + "' of "
                + plugin
                + " must be "
                + spec.type().name().toLowerCase()
                + ", got "
                + e.getValue());
      }
    }
    return this;
  }

  private static boolean hasType(Object value, SettingSpec.Type type) {
    return switch (type) {
      case NUMBER -> value instanceof Number;
      case INTEGER -> value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue());
      case STRING -> value instanceof String;
      case BOOLEAN -> value instanceof Boolean;
      case LIST -> value instanceof List;
      case MAP -> value instanceof Map;
    };
  }

  public double getDouble(String key, double defaultValue) {
    Object v = values.get(key);
    return v == null ? defaultValue : ((Number) v).doubleValue();
  }

  public long getLong(String key, long defaultValue) {
    Object v = values.get(key);
    return v == null ? defaultValue : ((Number) v).longValue();
  }

  /**
   * @throws IllegalArgumentException naming the key when the value does not fit in an int
   */
  public int getInt(String key, int defaultValue) {
    long value = getLong(key, defaultValue);
    if (value != (int) value) {
      throw new IllegalArgumentException("setting '" + key + "' is out of range: " + value);
    }
    return (int) value;
  }

  public boolean getBoolean(String key, boolean defaultValue) {
    Object v = values.get(key);
    return v == null ? defaultValue : (Boolean) v;
  }

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
