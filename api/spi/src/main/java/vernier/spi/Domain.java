package vernier.spi;

/**
 * The values a parameter may take. The server validates every domain before a study is created, so
 * plugins can rely on the invariants stated by each record.
 */
public sealed interface Domain permits FloatDomain, IntDomain, CategoricalDomain {

  /** Whether {@code value} is a legal value of this domain (type, bounds, step, choice). */
  boolean contains(ParamValue value);

  /** A short human description such as {@code float[0.001, 0.1] log}. */
  String describe();
}
