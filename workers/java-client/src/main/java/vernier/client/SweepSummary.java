package vernier.client;

/** What {@link VernierClient#run} did: trials by how they ended. */
public record SweepSummary(int succeeded, int pruned, int failed, int lost) {

  public int total() {
    return succeeded + pruned + failed + lost;
  }
}
