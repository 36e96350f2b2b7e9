package vernier.djl;

import vernier.client.ActiveTrial;

/**
 * What a trial asks the worker to train, read from the trial's parameters; a parameter the study
 * does not tune takes the default given here.
 */
record Hyperparams(
    double lr,
    int batchSize,
    int layers,
    int units,
    double dropout,
    double weightDecay,
    String optimizer,
    double momentum,
    int warmupSteps,
    String schedule,
    int maxSteps,
    int embeddingSize,
    int heads,
    int sequenceLength) {

  static Hyperparams of(ActiveTrial t, int defaultMaxSteps) {
    Hyperparams h =
        new Hyperparams(
            t.findDouble("lr").orElse(1e-3),
            intOr(t, "batch_size", 32),
            intOr(t, "layers", 1),
            intOr(t, "units", 64),
            t.findDouble("dropout").orElse(0.0),
            t.findDouble("weight_decay").orElse(0.0),
            t.findString("optimizer").orElse("adam"),
            t.findDouble("momentum").orElse(0.9),
            intOr(t, "warmup_steps", 0),
            t.findString("schedule").orElse("constant"),
            intOr(t, "max_steps", defaultMaxSteps),
            intOr(t, "embedding_size", 32),
            intOr(t, "heads", 2),
            intOr(t, "sequence_length", 32));
    h.validate();
    return h;
  }

  private static int intOr(ActiveTrial t, String name, int defaultValue) {
    return t.has(name) ? t.getInt(name) : defaultValue;
  }

  private void validate() {
    require(lr > 0, "lr must be > 0");
    require(
        batchSize >= 1 && layers >= 0 && units >= 1 && maxSteps >= 1 && embeddingSize >= 1,
        "batch_size, units, max_steps, embedding_size must be >= 1 and layers >= 0");
    require(dropout >= 0 && dropout < 1, "dropout must be in [0, 1)");
    require(heads >= 1 && sequenceLength >= 2, "heads must be >= 1 and sequence_length >= 2");
    require(
        optimizer.matches("adam|adamw|sgd|adagrad"),
        "optimizer must be adam, adamw, sgd or adagrad");
    require(
        schedule.matches("constant|cosine|exponential"),
        "schedule must be constant, cosine or exponential");
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
