package vernier.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.Trainer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/** Text classification: bag of token embeddings into an MLP. */
final class TextTask implements Task {

  private final TextData data;
  private final int maxLength;

  TextTask(TextData data, int maxLength) {
    this.data = data;
    this.maxLength = maxLength;
  }

  @Override
  public String name() {
    return "text";
  }

  @Override
  public Block model(Hyperparams h) {
    return new TextClassifier(
        data.vocabularySize,
        h.embeddingSize(),
        h.layers(),
        h.units(),
        (float) h.dropout(),
        data.labels.size());
  }

  @Override
  public Shape inputShape(Hyperparams h) {
    return new Shape(h.batchSize(), maxLength);
  }

  @Override
  public NDList[] batch(NDManager manager, SplittableRandom random, Hyperparams h) {
    int[][] ids = new int[h.batchSize()][];
    float[] labels = new float[h.batchSize()];
    for (int i = 0; i < ids.length; i++) {
      TextData.Example e = data.train.get(random.nextInt(data.train.size()));
      ids[i] = e.tokens();
      labels[i] = e.label();
    }
    return new NDList[] {new NDList(manager.create(ids)), new NDList(manager.create(labels))};
  }

  @Override
  public Set<String> metrics() {
    return Set.of("train_loss", "val_loss", "val_accuracy");
  }

  @Override
  public Map<String, Double> evaluate(Trainer trainer, Hyperparams h) {
    List<TextData.Example> valid = data.valid;
    double loss = 0;
    long correct = 0;
    try (NDManager manager = trainer.getManager().newSubManager()) {
      for (int from = 0; from < valid.size(); from += 256) {
        List<TextData.Example> chunk = valid.subList(from, Math.min(valid.size(), from + 256));
        int[][] ids = chunk.stream().map(TextData.Example::tokens).toArray(int[][]::new);
        float[] labels = new float[chunk.size()];
        for (int i = 0; i < labels.length; i++) {
          labels[i] = chunk.get(i).label();
        }
        NDArray y = manager.create(labels);
        NDArray logits = trainer.evaluate(new NDList(manager.create(ids))).head();
        loss +=
            trainer.getLoss().evaluate(new NDList(y), new NDList(logits)).getFloat() * chunk.size();
        correct += logits.argMax(1).toType(DataType.FLOAT32, false).eq(y).sum().getLong();
      }
    }
    return Map.of("val_loss", loss / valid.size(), "val_accuracy", correct / (double) valid.size());
  }
}
