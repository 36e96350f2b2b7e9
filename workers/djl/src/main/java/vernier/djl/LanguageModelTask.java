package vernier.djl;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.Trainer;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Character-level language modelling: predict each next character of a window of {@code
 * sequence_length} characters; the width of the Transformer is {@code embedding_size}, rounded up
 * to a multiple of {@code heads}.
 */
final class LanguageModelTask implements Task {

  private final CharData data;

  LanguageModelTask(CharData data) {
    this.data = data;
  }

  @Override
  public String name() {
    return "lm";
  }

  static int width(Hyperparams h) {
    return (h.embeddingSize() + h.heads() - 1) / h.heads() * h.heads();
  }

  @Override
  public Block model(Hyperparams h) {
    return new CausalLanguageModel(
        data.vocabularySize,
        h.sequenceLength(),
        width(h),
        h.layers(),
        h.heads(),
        (float) h.dropout());
  }

  @Override
  public Shape inputShape(Hyperparams h) {
    return new Shape(h.batchSize(), h.sequenceLength());
  }

  @Override
  public NDList[] batch(NDManager manager, SplittableRandom random, Hyperparams h) {
    int length = h.sequenceLength();
    int[][] inputs = new int[h.batchSize()][length];
    float[] targets = new float[h.batchSize() * length];
    for (int b = 0; b < inputs.length; b++) {
      int start = random.nextInt(data.train.length - length - 1);
      for (int i = 0; i < length; i++) {
        inputs[b][i] = data.train[start + i];
        targets[b * length + i] = data.train[start + i + 1];
      }
    }
    return new NDList[] {new NDList(manager.create(inputs)), new NDList(manager.create(targets))};
  }

  @Override
  public Set<String> metrics() {
    return Set.of("train_loss", "val_loss", "val_perplexity");
  }

  @Override
  public Map<String, Double> evaluate(Trainer trainer, Hyperparams h) {
    int length = h.sequenceLength();
    int windows = (data.valid.length - 1) / length;
    double loss = 0;
    try (NDManager manager = trainer.getManager().newSubManager()) {
      for (int from = 0; from < windows; from += 64) {
        int count = Math.min(64, windows - from);
        int[][] inputs = new int[count][length];
        float[] targets = new float[count * length];
        for (int w = 0; w < count; w++) {
          int start = (from + w) * length;
          for (int i = 0; i < length; i++) {
            inputs[w][i] = data.valid[start + i];
            targets[w * length + i] = data.valid[start + i + 1];
          }
        }
        NDList logits = trainer.evaluate(new NDList(manager.create(inputs)));
        loss +=
            trainer.getLoss().evaluate(new NDList(manager.create(targets)), logits).getFloat()
                * count;
      }
    }
    double mean = loss / windows;
    return Map.of("val_loss", mean, "val_perplexity", Math.exp(mean));
  }
}
