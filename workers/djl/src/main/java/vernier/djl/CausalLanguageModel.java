package vernier.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.transformer.IdEmbedding;
import ai.djl.nn.transformer.TransformerEncoderBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * A small decoder-only Transformer (GPT-style): token and learned position embeddings, {@code
 * layers} self-attention blocks with a causal mask (a position sees only itself and earlier ones),
 * and a linear head giving next-token logits, flattened to (batch × length, vocabulary).
 */
final class CausalLanguageModel extends AbstractBlock {

  private final IdEmbedding tokens;
  private final IdEmbedding positions;
  private final List<TransformerEncoderBlock> blocks = new ArrayList<>();
  private final Linear head;
  private final int width;
  private final int vocabularySize;

  CausalLanguageModel(
      int vocabularySize, int contextLength, int width, int layers, int heads, float dropout) {
    this.width = width;
    this.vocabularySize = vocabularySize;
    tokens =
        addChildBlock(
            "tokens",
            new IdEmbedding.Builder()
                .setDictionarySize(vocabularySize)
                .setEmbeddingSize(width)
                .build());
    positions =
        addChildBlock(
            "positions",
            new IdEmbedding.Builder()
                .setDictionarySize(contextLength)
                .setEmbeddingSize(width)
                .build());
    for (int i = 0; i < layers; i++) {
      blocks.add(
          addChildBlock(
              "block" + i,
              new TransformerEncoderBlock(width, heads, 4 * width, dropout, Activation::gelu)));
    }
    head = addChildBlock("head", Linear.builder().setUnits(vocabularySize).build());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray ids = inputs.head(); // (batch, length)
    long batch = ids.getShape().get(0);
    long length = ids.getShape().get(1);
    NDManager manager = ids.getManager();
    NDArray steps = manager.arange((int) length);
    NDArray x =
        tokens
            .forward(ps, new NDList(ids), training)
            .head()
            .add(positions.forward(ps, new NDList(steps), training).head());
    NDArray causal =
        steps
            .expandDims(1)
            .gte(steps.expandDims(0))
            .toType(DataType.FLOAT32, false)
            .expandDims(0)
            .repeat(0, batch);
    for (TransformerEncoderBlock block : blocks) {
      x = block.forward(ps, new NDList(x, causal), training).head();
    }
    return new NDList(head.forward(ps, new NDList(x), training).head().reshape(-1, vocabularySize));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputs) {
    return new Shape[] {new Shape(inputs[0].get(0) * inputs[0].get(1), vocabularySize)};
  }

  @Override
  public void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
    Shape ids = inputs[0];
    Shape hidden = new Shape(ids.get(0), ids.get(1), width);
    tokens.initialize(manager, dataType, ids);
    positions.initialize(manager, dataType, new Shape(ids.get(1)));
    for (TransformerEncoderBlock block : blocks) {
      block.initialize(manager, dataType, hidden);
    }
    head.initialize(manager, dataType, hidden);
  }
}
