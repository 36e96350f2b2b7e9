package vernier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

final class MetricLineTest {

  @Test
  void jsonObject_withStepAndMetrics_ignoringNonNumbers() {
    assertThat(MetricLine.parse("{\"step\": 10, \"loss\": 0.31, \"phase\": \"train\"}"))
        .contains(new MetricLine(OptionalLong.of(10), Map.of("loss", 0.31)));
  }

  @Test
  void keyValuePairs_separatedBySpacesOrCommas() {
    assertThat(MetricLine.parse("step=3 loss=0.5, acc=0.9"))
        .contains(new MetricLine(OptionalLong.of(3), Map.of("loss", 0.5, "acc", 0.9)));
    assertThat(MetricLine.parse("val_loss=1e-3"))
        .contains(new MetricLine(OptionalLong.empty(), Map.of("val_loss", 0.001)));
  }

  @Test
  void otherLines_areNotMetrics() {
    assertThat(MetricLine.parse("Epoch 3/10 done")).isEmpty();
    assertThat(MetricLine.parse("loss=high")).isEmpty();
    assertThat(MetricLine.parse("saving to model=final.pt")).isEmpty();
    assertThat(MetricLine.parse("{\"step\": 2}")).isEmpty();
    assertThat(MetricLine.parse("{not json}")).isEmpty();
  }
}
