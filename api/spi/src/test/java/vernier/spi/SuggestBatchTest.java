package vernier.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

final class SuggestBatchTest {

  private static final StudyDefinition DEFINITION =
      new StudyDefinition(
          "s",
          SearchSpace.of(Parameter.of("x", IntDomain.range(0, 2))),
          List.of(new Objective("loss", Direction.MINIMIZE)),
          List.of(),
          1);

  /** Hands out the lowest value no running trial holds: duplicates if it cannot see the batch. */
  private static final Sampler LOWEST_FREE =
      (study, context) -> {
        for (long x = 0; x <= 2; x++) {
          long v = x;
          if (study.running().stream()
              .noneMatch(t -> t.params().get("x").equals(ParamValue.of(v)))) {
            return Suggestion.of(Map.of("x", ParamValue.of(v)));
          }
        }
        return Suggestion.waitForRunningTrials();
      };

  private static final StudyView EMPTY =
      new StudyView() {
        @Override
        public StudyDefinition definition() {
          return DEFINITION;
        }

        @Override
        public List<TrialView> trials() {
          return List.of();
        }

        @Override
        public List<TrialView> trials(TrialState state) {
          return List.of();
        }
      };

  private static SamplingContext context() {
    return new SamplingContext(new SplittableRandom(1));
  }

  @Test
  void eachCallSeesTheEarlierSuggestionsOfTheBatchAsRunning() {
    List<Suggestion> batch = LOWEST_FREE.suggestBatch(EMPTY, 2, context());
    assertThat(batch)
        .containsExactly(
            Suggestion.of(Map.of("x", ParamValue.of(0L))),
            Suggestion.of(Map.of("x", ParamValue.of(1L))));
  }

  @Test
  void aWaitEndsTheBatch() {
    List<Suggestion> batch = LOWEST_FREE.suggestBatch(EMPTY, 5, context());
    assertThat(batch).hasSize(4).last().isEqualTo(Suggestion.waitForRunningTrials());
  }

  @Test
  void pendingTrialsAreNumberedAfterTheStudysTrials() {
    WithPending view = new WithPending(EMPTY);
    view.add(new Suggestion.Params(Map.of("x", ParamValue.of(2L))));
    assertThat(view.trials()).singleElement().extracting(TrialView::number).isEqualTo(0L);
    assertThat(view.running()).hasSize(1);
    assertThat(view.completed()).isEmpty();
  }

  @Test
  void aCountBelowOneIsRefused() {
    assertThatThrownBy(() -> LOWEST_FREE.suggestBatch(EMPTY, 0, context()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("count");
  }
}
