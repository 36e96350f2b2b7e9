package vernier.djl;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.Trainer;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/** A training task: its model, its batches and its evaluation. */
interface Task {

  /** {@code text} or {@code lm}. */
  String name();

  Block model(Hyperparams h);

  /** The input shape the model is initialised with. */
  Shape inputShape(Hyperparams h);

  /** A random training batch: inputs and labels. */
  NDList[] batch(NDManager manager, SplittableRandom random, Hyperparams h);

  /**
   * Every metric a trial of this task reports: {@code train_loss} and those of {@link #evaluate}.
   */
  Set<String> metrics();

  /** Validation metrics: {@code val_loss} and {@code val_accuracy} or {@code val_perplexity}. */
  Map<String, Double> evaluate(Trainer trainer, Hyperparams h);
}
