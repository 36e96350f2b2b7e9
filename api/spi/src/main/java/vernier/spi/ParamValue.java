package vernier.spi;

import java.util.Objects;

/** A typed parameter value: a double, a long integer, a string or a boolean. */
public sealed interface ParamValue
    permits ParamValue.DoubleValue,
        ParamValue.IntValue,
        ParamValue.StringValue,
        ParamValue.BoolValue {

  static ParamValue of(double value) {
    return new DoubleValue(value);
  }

  static ParamValue of(long value) {
    return new IntValue(value);
  }

  static ParamValue of(String value) {
    return new StringValue(value);
  }

  static ParamValue of(boolean value) {
    return new BoolValue(value);
  }

  /** The value as a double; numeric values only. */
  default double asDouble() {
    throw new IllegalStateException("not a number: " + this);
  }

  /**
   * A real number. Equality is by bit pattern, so NaN equals NaN and the value is usable as a map
   * key.
   */
  record DoubleValue(double value) implements ParamValue {
    @Override
    public double asDouble() {
      return value;
    }

    @Override
    public String toString() {
      return Double.toString(value);
    }
  }

  /** An integer. */
  record IntValue(long value) implements ParamValue {
    @Override
    public double asDouble() {
      return value;
    }

    @Override
    public String toString() {
      return Long.toString(value);
    }
  }

  /** A string. */
  record StringValue(String value) implements ParamValue {
    public StringValue {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
      return '"' + value + '"';
    }
  }

  /** A boolean. */
  record BoolValue(boolean value) implements ParamValue {
    @Override
    public String toString() {
      return Boolean.toString(value);
    }
  }
}
