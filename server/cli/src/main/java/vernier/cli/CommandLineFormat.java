package vernier.cli;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import vernier.v1.ParamValue;

/** How the CLI prints values and parameters. */
final class CommandLineFormat {

  private CommandLineFormat() {}

  static String values(Map<String, Double> values) {
    return values.isEmpty()
        ? "-"
        : values.entrySet().stream()
            .map(e -> e.getKey() + "=" + String.format(Locale.ROOT, "%.5g", e.getValue()))
            .collect(Collectors.joining(" "));
  }

  static String params(Map<String, ParamValue> params) {
    return params.entrySet().stream()
        .map(e -> e.getKey() + "=" + value(e.getValue()))
        .collect(Collectors.joining(" "));
  }

  static String value(ParamValue v) {
    return switch (v.getKindCase()) {
      case DOUBLE_VALUE -> String.format(Locale.ROOT, "%.4g", v.getDoubleValue());
      case INT_VALUE -> Long.toString(v.getIntValue());
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      case KIND_NOT_SET -> "?";
    };
  }
}
