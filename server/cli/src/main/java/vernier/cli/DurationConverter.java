package vernier.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A duration flag: a positive number with a unit, {@code 500ms}, {@code 5s}, {@code 2m}, {@code
 * 1h}.
 */
final class DurationConverter implements ITypeConverter<Duration> {

  private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

  @Override
  public Duration convert(String value) {
    Matcher m = FORM.matcher(value.trim());
    if (!m.matches()) {
      throw new TypeConversionException(
          "expected a duration such as 500ms, 5s, 2m or 1h but was '" + value + "'");
    }
    double amount = Double.parseDouble(m.group(1));
    double millis =
        switch (m.group(2)) {
          case "ms" -> amount;
          case "s" -> amount * 1_000;
          case "m" -> amount * 60_000;
          default -> amount * 3_600_000;
        };
    if (millis < 1) {
      throw new TypeConversionException("a duration must be at least 1ms, got '" + value + "'");
    }
    return Duration.ofMillis(Math.round(millis));
  }
}
