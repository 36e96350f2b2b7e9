package vernier.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Adagrad (Duchi, Hazan and Singer, "Adaptive Subgradient Methods for Online Learning and
 * Stochastic Optimization", JMLR 12, 2011) on dense gradients: each weight's step is the learning
 * rate over the root of its accumulated squared gradients. DJL's own {@code Adagrad} converts
 * gradients to a row-sparse format the PyTorch engine does not support, hence this thin variant.
 */
final class DenseAdagrad extends Optimizer {

  private static final float EPSILON = 1e-10f;

  private final ParameterTracker learningRate;
  private final Map<String, Map<Device, NDArray>> history = new ConcurrentHashMap<>();

  private DenseAdagrad(Builder builder) {
    super(builder);
    this.learningRate = builder.learningRate;
  }

  static Builder builder() {
    return new Builder();
  }

  @Override
  public void update(String parameterId, NDArray weight, NDArray grad) {
    float rate = learningRate.getNewValue(parameterId, updateCount(parameterId));
    try (NDManager scratch = weight.getManager().newSubManager()) {
      NDArray w =
          weight.stopGradient(); // shares storage but is outside autograd, like torch's p.data
      NDArray g = grad.stopGradient().mul(rescaleGrad);
      if (clipGrad > 0) {
        g = g.clip(-clipGrad, clipGrad);
      }
      if (getWeightDecay() > 0) {
        g = g.add(w.mul(getWeightDecay()));
      }
      NDArray squares =
          withDefaultState(history, parameterId, weight.getDevice(), k -> weight.zerosLike());
      squares.addi(g.square());
      w.subi(g.div(squares.sqrt().add(EPSILON)).mul(rate));
      scratch.tempAttachAll(w, g);
    }
  }

  /** Builds a {@link DenseAdagrad}. */
  static final class Builder extends OptimizerBuilder<Builder> {
    private ParameterTracker learningRate;

    Builder optLearningRateTracker(ParameterTracker tracker) {
      this.learningRate = tracker;
      return this;
    }

    @Override
    protected Builder self() {
      return this;
    }

    DenseAdagrad build() {
      return new DenseAdagrad(this);
    }
  }
}
