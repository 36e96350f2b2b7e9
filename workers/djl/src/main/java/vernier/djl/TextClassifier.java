package vernier.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.transformer.IdEmbedding;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Token embeddings, averaged over the non-padding tokens, then {@code layers} hidden layers of
 * {@code units} (ReLU, dropout) and a linear classifier.
 */
final class TextClassifier extends AbstractBlock {

  private final IdEmbedding embedding;
  private final SequentialBlock encoder;
  private final int embeddingSize;
  private final int classes;

  TextClassifier(
      int vocabularySize, int embeddingSize, int layers, int units, float dropout, int classes) {
    this.embeddingSize = embeddingSize;
    this.classes = classes;
    embedding =
        addChildBlock(
            "embedding",
            new IdEmbedding.Builder()
                .setDictionarySize(vocabularySize)
                .setEmbeddingSize(embeddingSize)
                .build());
    SequentialBlock mlp = new SequentialBlock();
    for (int i = 0; i < layers; i++) {
      mlp.add(Linear.builder().setUnits(units).build())
          .add(Activation::relu)
          .add(Dropout.builder().optRate(dropout).build());
    }
    mlp.add(Linear.builder().setUnits(classes).build());
    encoder = addChildBlock("encoder", mlp);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray ids = inputs.head(); // (batch, length), 0 = padding
    NDArray mask = ids.gt(0).toType(DataType.FLOAT32, false).expandDims(-1);
    NDArray embedded = embedding.forward(ps, new NDList(ids), training).head().mul(mask);
    NDArray pooled = embedded.sum(new int[] {1}).div(mask.sum(new int[] {1}).maximum(1f));
    return encoder.forward(ps, new NDList(pooled), training);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputs) {
    return new Shape[] {new Shape(inputs[0].get(0), classes)};
  }

  @Override
  public void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
    embedding.initialize(manager, dataType, inputs[0]);
    encoder.initialize(manager, dataType, new Shape(inputs[0].get(0), embeddingSize));
  }
}
