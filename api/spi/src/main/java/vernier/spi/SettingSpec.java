package vernier.spi;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One setting a plugin accepts: its name, type, default, the values it allows and a description
 * shown by {@code vernier plugins}. This is the only place a setting's default and range are
 * written: {@link Settings#validate} checks every given value against it (the server does so before
 * {@code create}), and the typed getters such as {@link Settings#getInt(SettingSpec)} return the
 * default declared here and check the value again.
 *
 * <pre>{@code
 * SettingSpec.integer("n_startup_trials", 10, "random trials before modelling").atLeast(1)
 * SettingSpec.number("gamma", 0.1, "fraction of trials called good").above(0).below(1)
 * SettingSpec.integer("population_size", 0, "0 = auto").atLeast(4).alsoAllowing(0)
 * SettingSpec.string("qmc_type", "sobol", "the sequence").choices("sobol", "halton")
 * SettingSpec.required("endpoint", SettingSpec.Type.STRING, "host:port of the sampler")
 * SettingSpec.optional("metric", SettingSpec.Type.STRING, "default: the first objective")
 * }</pre>
 *
 * <p>A refused value fails with one message format, naming the plugin, the setting and what it
 * allows: {@code tpe: setting gamma must be a number in (0, 1), got 1.5}.
 *
 * @param name the key in the study spec's settings
 * @param type the kind of value
 * @param defaultValue the value used when the setting is absent ({@code Long} for {@link
 *     Type#INTEGER}, {@code Double} for {@link Type#NUMBER}, {@code Boolean} or {@code String});
 *     null when the setting is required or absent by default
 * @param description one line for {@code vernier plugins}
 * @param required whether a study must give the setting (it then has no default)
 * @param allowed the values allowed within the type: a range, choices or anything
 */
public record SettingSpec(
    String name,
    Type type,
    Object defaultValue,
    String description,
    boolean required,
    Allowed allowed) {

  /** Setting types, mapped from YAML/JSON values. */
  public enum Type {
    /** A JSON number, read as a {@code double}; NaN is never allowed. */
    NUMBER,
    /** A whole JSON number, read as a {@code long} or an {@code int}. */
    INTEGER,
    STRING,
    BOOLEAN,
    LIST,
    /** Nested settings, e.g. those of a wrapped plugin. */
    MAP
  }

  /**
   * The values a setting allows within its type. {@link IntRange} goes with {@link Type#INTEGER},
   * {@link NumberRange} with {@link Type#NUMBER}, {@link Choices} or {@link AnyValue} with {@link
   * Type#STRING}, {@link AnyValue} with the other types.
   */
  public sealed interface Allowed permits AnyValue, IntRange, NumberRange, Choices {

    /** Whether {@code value}, non-null, is allowed (its type is checked too). */
    boolean allows(Object value);

    /** The allowed values in words, without the type: {@code [1, 100]}, {@code one of a, b}. */
    String describe();
  }

  /** Any value of the setting's type. */
  public record AnyValue() implements Allowed {
    @Override
    public boolean allows(Object value) {
      return true;
    }

    @Override
    public String describe() {
      return "any";
    }
  }

  /**
   * Whole numbers in {@code [min, max]}, and {@code also} when present (a special value outside the
   * range, such as 0 for "automatic").
   */
  public record IntRange(long min, long max, OptionalLong also) implements Allowed {

    /** Every {@code int}: what an {@link Type#INTEGER} setting allows unless it says otherwise. */
    public static final IntRange INT = new IntRange(Integer.MIN_VALUE, Integer.MAX_VALUE);

    public IntRange {
      Objects.requireNonNull(also, "also");
      if (min > max) {
        throw new IllegalArgumentException("empty range [" + min + ", " + max + "]");
      }
    }

    public IntRange(long min, long max) {
      this(min, max, OptionalLong.empty());
    }

    /** Whether the range fits in an {@code int} (so the setting can be read with getInt). */
    public boolean fitsInt() {
      return min >= Integer.MIN_VALUE
          && max <= Integer.MAX_VALUE
          && (also.isEmpty() || also.getAsLong() == (int) also.getAsLong());
    }

    @Override
    public boolean allows(Object value) {
      if (!(value instanceof Number n) || !isWhole(n)) {
        return false;
      }
      long v = n.longValue();
      return (v >= min && v <= max) || (also.isPresent() && v == also.getAsLong());
    }

    /** Whether {@code n} is a whole number within {@code long} (1e300 is whole, but not a long). */
    private static boolean isWhole(Number n) {
      if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
        return true;
      }
      double d = n.doubleValue();
      return d == Math.rint(d) && d >= -0x1p63 && d < 0x1p63;
    }

    @Override
    public String describe() {
      String range = "[" + min + ", " + max + "]";
      return also.isPresent() ? also.getAsLong() + " or " + range : range;
    }
  }

  /**
   * Real numbers between {@code min} and {@code max}, each bound included or not; infinite bounds
   * are values too ({@code [0, inf)} refuses infinity, {@code [0, inf]} allows it). NaN is never
   * allowed.
   */
  public record NumberRange(double min, boolean minIncluded, double max, boolean maxIncluded)
      implements Allowed {

    /** Every number but NaN, infinities included. */
    public static final NumberRange ALL =
        new NumberRange(Double.NEGATIVE_INFINITY, true, Double.POSITIVE_INFINITY, true);

    public NumberRange {
      if (Double.isNaN(min) || Double.isNaN(max) || min > max) {
        throw new IllegalArgumentException(
            "empty range " + text(min, minIncluded, max, maxIncluded));
      }
    }

    @Override
    public boolean allows(Object value) {
      if (!(value instanceof Number n)) {
        return false;
      }
      double v = n.doubleValue();
      return (minIncluded ? v >= min : v > min) && (maxIncluded ? v <= max : v < max);
    }

    @Override
    public String describe() {
      return text(min, minIncluded, max, maxIncluded);
    }

    private static String text(double min, boolean minIncluded, double max, boolean maxIncluded) {
      return (minIncluded ? "[" : "(")
          + formatNumber(min)
          + ", "
          + formatNumber(max)
          + (maxIncluded ? "]" : ")");
    }
  }

  /**
   * One of the listed strings; with {@code ignoreCase}, in any case ({@link Settings#getString}
   * then returns the listed spelling).
   */
  public record Choices(List<String> values, boolean ignoreCase) implements Allowed {

    public Choices {
      values = List.copyOf(values);
      if (values.isEmpty()) {
        throw new IllegalArgumentException("no choices");
      }
    }

    @Override
    public boolean allows(Object value) {
      return canonical(value) != null;
    }

    /** The listed spelling of {@code value}, or null when it is not a choice. */
    public String canonical(Object value) {
      if (!(value instanceof String s)) {
        return null;
      }
      return values.stream()
          .filter(c -> ignoreCase ? c.equalsIgnoreCase(s) : c.equals(s))
          .findFirst()
          .orElse(null);
    }

    @Override
    public String describe() {
      return "one of " + String.join(", ", values) + (ignoreCase ? " (any case)" : "");
    }
  }

  public SettingSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(description, "description");
    allowed = allowed == null ? defaultAllowed(type) : allowed;
    defaultValue = normalized(type, defaultValue);
    if (!fits(type, allowed)) {
      throw new IllegalArgumentException(
          "setting " + name + ": " + allowed + " does not go with type " + type);
    }
    if (required && defaultValue != null) {
      throw new IllegalArgumentException("setting " + name + " is required, so it has no default");
    }
    // the default's range is not checked here: withers narrow one bound at a time, and the
    // spi-testkit checks that every default is allowed
    if (defaultValue != null && !allowsPresent(type, new AnyValue(), defaultValue)) {
      throw new IllegalArgumentException(
          "setting " + name + ": the default " + format(defaultValue) + " is not of type " + type);
    }
  }

  /** A setting with a default (or, with a null default, absent by default) and any value. */
  public SettingSpec(String name, Type type, Object defaultValue, String description) {
    this(name, type, defaultValue, description, false, null);
  }

  /** An integer setting; it allows every {@code int} until {@link #atLeast(long)} and friends. */
  public static SettingSpec integer(String name, long defaultValue, String description) {
    return new SettingSpec(name, Type.INTEGER, defaultValue, description);
  }

  /**
   * A number setting; it allows every number but NaN until {@link #atLeast(double)} and friends.
   */
  public static SettingSpec number(String name, double defaultValue, String description) {
    return new SettingSpec(name, Type.NUMBER, defaultValue, description);
  }

  /** A boolean setting. */
  public static SettingSpec bool(String name, boolean defaultValue, String description) {
    return new SettingSpec(name, Type.BOOLEAN, defaultValue, description);
  }

  /**
   * A string setting; a null default makes it absent by default (as {@link #optional}). Narrow it
   * with {@link #choices}.
   */
  public static SettingSpec string(String name, String defaultValue, String description) {
    return new SettingSpec(name, Type.STRING, defaultValue, description);
  }

  /** A setting a study must give: no default; its absence is refused. */
  public static SettingSpec required(String name, Type type, String description) {
    return new SettingSpec(name, type, null, description, true, null);
  }

  /**
   * A setting absent by default, which the plugin tells apart from any value ({@link
   * Settings#isSet}): e.g. "the first objective's metric unless one is named".
   */
  public static SettingSpec optional(String name, Type type, String description) {
    return new SettingSpec(name, type, null, description, false, null);
  }

  /** Allows values {@code >= min} only (an integer or a number setting). */
  public SettingSpec atLeast(long min) {
    return type == Type.INTEGER
        ? withInts(new IntRange(min, ints().max(), ints().also()))
        : atLeast((double) min);
  }

  /** Allows values {@code <= max} only (an integer or a number setting). */
  public SettingSpec atMost(long max) {
    return type == Type.INTEGER
        ? withInts(new IntRange(ints().min(), max, ints().also()))
        : atMost((double) max);
  }

  /** Allows values in {@code [min, max]} only (an integer or a number setting). */
  public SettingSpec range(long min, long max) {
    return type == Type.INTEGER
        ? withInts(new IntRange(min, max, ints().also()))
        : range((double) min, (double) max);
  }

  /** Also allows {@code value}, outside the range: a special value such as 0 for "automatic". */
  public SettingSpec alsoAllowing(long value) {
    return withInts(new IntRange(ints().min(), ints().max(), OptionalLong.of(value)));
  }

  /** Allows numbers {@code >= min} only. */
  public SettingSpec atLeast(double min) {
    NumberRange r = numbers();
    return withNumbers(new NumberRange(min, true, r.max(), r.maxIncluded()));
  }

  /** Allows numbers {@code > min} only. */
  public SettingSpec above(double min) {
    NumberRange r = numbers();
    return withNumbers(new NumberRange(min, false, r.max(), r.maxIncluded()));
  }

  /** Allows numbers {@code <= max} only. */
  public SettingSpec atMost(double max) {
    NumberRange r = numbers();
    return withNumbers(new NumberRange(r.min(), r.minIncluded(), max, true));
  }

  /** Allows numbers {@code < max} only. */
  public SettingSpec below(double max) {
    NumberRange r = numbers();
    return withNumbers(new NumberRange(r.min(), r.minIncluded(), max, false));
  }

  /** Allows numbers in {@code [min, max]} only. */
  public SettingSpec range(double min, double max) {
    return withNumbers(new NumberRange(min, true, max, true));
  }

  /** Allows these strings only (a string setting). */
  public SettingSpec choices(String... values) {
    return new SettingSpec(
        name, type, defaultValue, description, required, new Choices(List.of(values), false));
  }

  /** Allows these strings only, in any case (a string setting). */
  public SettingSpec choicesIgnoringCase(String... values) {
    return new SettingSpec(
        name, type, defaultValue, description, required, new Choices(List.of(values), true));
  }

  /** Whether a value, or absence (null), is allowed. */
  public boolean allows(Object value) {
    return value == null ? !required : allowsPresent(type, allowed, value);
  }

  /**
   * Refuses a value (null: absent) that this setting does not allow.
   *
   * @param plugin the plugin's name, for the message
   * @throws IllegalArgumentException {@code <plugin>: setting <name> must be <what it allows>, got
   *     <value>}
   */
  public void check(String plugin, Object value) {
    if (!allows(value)) {
      throw new IllegalArgumentException(refusal(plugin, name, "must be " + describe(), value));
    }
  }

  /** What the setting allows, type included: {@code an integer in [1, 2147483647]}. */
  public String describe() {
    return describe(type, allowed);
  }

  /** The default as {@code vernier plugins} shows it: the value, "required" or "absent". */
  public String describeDefault() {
    if (required) {
      return "required";
    }
    if (defaultValue == null) {
      return "absent";
    }
    return defaultValue instanceof String s && !s.isEmpty() ? s : format(defaultValue);
  }

  /**
   * The one message format of a refused setting: {@code <plugin>: setting <name> <problem>, got
   * <value>}; {@code value} null reads "nothing".
   */
  static String refusal(String plugin, String setting, String problem, Object value) {
    return (plugin == null ? "" : plugin + ": ")
        + "setting "
        + setting
        + " "
        + problem
        + ", got "
        + format(value);
  }

  /** A value as messages show it: numbers without noise (1e300, -1, 0.25), strings quoted. */
  static String format(Object value) {
    if (value == null) {
      return "nothing";
    }
    if (value instanceof String s) {
      return "'" + s + "'";
    }
    if (value instanceof Double || value instanceof Float) {
      return formatNumber(((Number) value).doubleValue());
    }
    return String.valueOf(value);
  }

  private static String formatNumber(double d) {
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return Double.toString(d).replace(".0E", "E").replace('E', 'e');
  }

  private static String describe(Type type, Allowed allowed) {
    return switch (type) {
      case INTEGER ->
          allowed instanceof IntRange r && r.also().isPresent()
              ? r.also().getAsLong() + " or an integer in [" + r.min() + ", " + r.max() + "]"
              : "an integer in " + allowed.describe();
      case NUMBER ->
          allowed.equals(NumberRange.ALL) ? "a number" : "a number in " + allowed.describe();
      case STRING -> allowed instanceof Choices ? allowed.describe() : "a string";
      case BOOLEAN -> "true or false";
      case LIST -> "a list";
      case MAP -> "a map";
    };
  }

  private static boolean allowsPresent(Type type, Allowed allowed, Object value) {
    return switch (type) {
      case INTEGER, NUMBER -> value instanceof Number && allowed.allows(value);
      case STRING -> value instanceof String && allowed.allows(value);
      case BOOLEAN -> value instanceof Boolean;
      case LIST -> value instanceof List;
      case MAP -> value instanceof Map;
    };
  }

  private static Allowed defaultAllowed(Type type) {
    return switch (type) {
      case INTEGER -> IntRange.INT;
      case NUMBER -> NumberRange.ALL;
      default -> new AnyValue();
    };
  }

  private static boolean fits(Type type, Allowed allowed) {
    return switch (type) {
      case INTEGER -> allowed instanceof IntRange;
      case NUMBER -> allowed instanceof NumberRange;
      case STRING -> allowed instanceof Choices || allowed instanceof AnyValue;
      default -> allowed instanceof AnyValue;
    };
  }

  /** Whole defaults as {@code Long}, real ones as {@code Double}, whatever the caller passed. */
  private static Object normalized(Type type, Object value) {
    if (type == Type.INTEGER
        && (value instanceof Integer || value instanceof Short || value instanceof Byte)) {
      return ((Number) value).longValue();
    }
    if (value instanceof Number n && type == Type.NUMBER && !(n instanceof Double)) {
      return n.doubleValue();
    }
    return value;
  }

  private IntRange ints() {
    if (!(allowed instanceof IntRange r)) {
      throw new IllegalStateException("setting " + name + " is " + lower(type) + ", not integer");
    }
    return r;
  }

  private NumberRange numbers() {
    if (!(allowed instanceof NumberRange r)) {
      throw new IllegalStateException("setting " + name + " is " + lower(type) + ", not number");
    }
    return r;
  }

  private SettingSpec withInts(IntRange range) {
    return new SettingSpec(name, type, defaultValue, description, required, range);
  }

  private SettingSpec withNumbers(NumberRange range) {
    return new SettingSpec(name, type, defaultValue, description, required, range);
  }

  private static String lower(Type type) {
    return type.name().toLowerCase(Locale.ROOT);
  }
}
