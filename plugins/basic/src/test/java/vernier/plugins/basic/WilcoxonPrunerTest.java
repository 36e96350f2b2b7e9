package vernier.plugins.basic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import vernier.spi.Direction;
import vernier.spi.Pruner;
import vernier.spi.PrunerFactory;
import vernier.spi.Settings;
import vernier.spi.testkit.PrunerContractTest;
import vernier.spi.testkit.SimpleStudy;
import vernier.spi.testkit.SimpleTrial;

final class WilcoxonPrunerTest extends PrunerContractTest {

  @Override
  protected PrunerFactory factory() {
    return new WilcoxonPrunerFactory();
  }

  /** Per-instance losses of the best trial: steps are problem instances of varying difficulty. */
  private static final double[] BEST = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8};

  private static SimpleStudy studyWithBest() {
    SimpleStudy study = Studies.study(Direction.MINIMIZE);
    Studies.completed(study, BEST);
    double[] worse = BEST.clone();
    for (int i = 0; i < worse.length; i++) {
      worse[i] += 2;
    }
    Studies.completed(study, worse);
    return study;
  }

  @Test
  void consistentlyWorseTrial_isPrunedOnceTheEvidenceIsEnough() {
    SimpleStudy study = studyWithBest();
    Pruner p = factory().create(study.definition(), Settings.of(Map.of("p_threshold", 0.05)));
    SimpleTrial t = study.start(Map.of());
    boolean pruned = false;
    int step = 0;
    for (; step < BEST.length && !pruned; step++) {
      t.report("loss", step, BEST[step] + 0.5 + 0.1 * step);
      pruned = p.shouldPrune(study, t, step);
    }
    assertThat(pruned).isTrue();
    assertThat(step).as("pruned after a handful of instances, not at once").isBetween(4, 8);
  }

  @Test
  void trialReportingEveryOtherStep_isPairedOnTheStepsBothReported() {
    SimpleStudy study = studyWithBest();
    Pruner p = factory().create(study.definition(), Settings.of(Map.of("p_threshold", 0.05)));
    SimpleTrial t = study.start(Map.of());
    boolean pruned = false;
    int pairs = 0;
    for (int step = 0; step < BEST.length && !pruned; step += 2) {
      t.report("loss", step, BEST[step] + 1 + 0.1 * step); // worse on every instance, no ties
      pairs++;
      pruned = p.shouldPrune(study, t, step);
    }
    // one-sided exact p with all of n pairs worse is 2^-n: below 0.05 from 5 pairs
    assertThat(pruned).isTrue();
    assertThat(pairs).isEqualTo(5);
  }

  @Test
  void nStartupSteps_holdsBackTheTest() {
    SimpleStudy study = studyWithBest();
    Pruner p =
        factory()
            .create(
                study.definition(),
                Settings.of(Map.of("p_threshold", 0.05, "n_startup_steps", 10.0)));
    SimpleTrial t = study.start(Map.of());
    for (int step = 0; step < BEST.length; step++) {
      t.report("loss", step, BEST[step] + 2 + 0.1 * step); // clearly worse everywhere
      assertThat(p.shouldPrune(study, t, step)).as("step %d", step).isEqualTo(step >= 9);
    }
  }

  @Test
  void equalOrBetterTrial_isKept() {
    SimpleStudy study = studyWithBest();
    Pruner p = factory().create(study.definition(), Settings.empty());
    SimpleTrial better = study.start(Map.of());
    SimpleTrial noisy = study.start(Map.of());
    for (int step = 0; step < BEST.length; step++) {
      better.report("loss", step, BEST[step] - 0.5);
      noisy.report("loss", step, BEST[step] + (step % 2 == 0 ? 0.3 : -0.3));
      assertThat(p.shouldPrune(study, better, step)).isFalse();
      assertThat(p.shouldPrune(study, noisy, step)).isFalse();
    }
  }
}
