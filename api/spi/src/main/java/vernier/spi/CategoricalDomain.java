package vernier.spi;

import java.util.List;
import java.util.stream.Collectors;

/** One of a non-empty list of distinct typed values. */
public record CategoricalDomain(List<ParamValue> choices) implements Domain {

  public CategoricalDomain {
    choices = List.copyOf(choices);
  }

  public static CategoricalDomain of(ParamValue... choices) {
    return new CategoricalDomain(List.of(choices));
  }

  /** The position of {@code value} in {@link #choices()}, or -1. */
  public int indexOf(ParamValue value) {
    return choices.indexOf(value);
  }

  @Override
  public boolean contains(ParamValue value) {
    return choices.contains(value);
  }

  @Override
  public String describe() {
    return choices.stream().map(Object::toString).collect(Collectors.joining(", ", "{", "}"));
  }
}
