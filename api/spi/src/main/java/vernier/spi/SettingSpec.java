package vernier.spi;

import java.util.Objects;

/**
 * One setting a plugin accepts: its name, type, default (null when required or absent) and a
 * description shown by {@code vernier plugins}.
 */
public record SettingSpec(String name, Type type, Object defaultValue, String description) {

  /** Setting types, mapped from YAML/JSON values. */
  public enum Type {
    NUMBER,
    INTEGER,
    STRING,
    BOOLEAN,
    LIST,
    /** Nested settings, e.g. those of a wrapped plugin. */
    MAP
  }

  public SettingSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(description, "description");
  }

  public static SettingSpec integer(String name, long defaultValue, String description) {
    return new SettingSpec(name, Type.INTEGER, defaultValue, description);
  }

  public static SettingSpec number(String name, double defaultValue, String description) {
    return new SettingSpec(name, Type.NUMBER, defaultValue, description);
  }

  public static SettingSpec bool(String name, boolean defaultValue, String description) {
    return new SettingSpec(name, Type.BOOLEAN, defaultValue, description);
  }

  public static SettingSpec string(String name, String defaultValue, String description) {
    return new SettingSpec(name, Type.STRING, defaultValue, description);
  }
}
