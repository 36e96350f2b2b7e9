package vernier.cli;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import vernier.v1.Trial;

/**
 * The trial states a user can name on the command line, in any case: the real ones, not protobuf's
 * {@code STATE_UNSPECIFIED} and {@code UNRECOGNIZED}.
 */
final class TrialStates implements ITypeConverter<Trial.State>, Iterable<String> {

  static final List<String> NAMES =
      Arrays.stream(Trial.State.values())
          .filter(s -> s != Trial.State.STATE_UNSPECIFIED && s != Trial.State.UNRECOGNIZED)
          .map(Trial.State::name)
          .toList();

  @Override
  public Trial.State convert(String value) {
    String upper = value.trim().toUpperCase(Locale.ROOT);
    if (!NAMES.contains(upper)) {
      throw new TypeConversionException(
          "'" + value + "' is not a trial state; use one of " + String.join(", ", NAMES));
    }
    return Trial.State.valueOf(upper);
  }

  @Override
  public Iterator<String> iterator() {
    return NAMES.iterator();
  }
}
