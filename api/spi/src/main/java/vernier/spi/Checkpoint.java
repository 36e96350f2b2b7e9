package vernier.spi;

/** The checkpoint (model weights) that trial {@code trial} saved at {@code step}. */
public record Checkpoint(long trial, long step) {

  public Checkpoint {
    if (trial < 0 || step < 0) {
      throw new IllegalArgumentException(
          "a checkpoint needs a trial and a step >= 0, got " + trial + "@" + step);
    }
  }

  @Override
  public String toString() {
    return "#" + trial + "@" + step;
  }
}
