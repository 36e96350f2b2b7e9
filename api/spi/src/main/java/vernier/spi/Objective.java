package vernier.spi;

/** A metric told at the end of a trial and the direction in which it improves. */
public record Objective(String metric, Direction direction) {}
