package vernier.plugins.basic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import vernier.spi.Checkpoint;
import vernier.spi.Direction;
import vernier.spi.PrunerFactory;
import vernier.spi.Settings;
import vernier.spi.Suggestion;
import vernier.spi.TrialState;
import vernier.spi.testkit.PrunerContractTest;
import vernier.spi.testkit.SimpleStudy;
import vernier.spi.testkit.SimpleTrial;

final class HyperbandPrunerTest extends PrunerContractTest {

  @Override
  protected PrunerFactory factory() {
    return new HyperbandPrunerFactory();
  }

  @Override
  protected Settings settings() {
    return Settings.of(Map.of("max_resource", 27.0));
  }

  private HyperbandPruner pruner(Map<String, ?> settings) {
    return (HyperbandPruner)
        factory().create(Studies.definition(Direction.MINIMIZE), Settings.of(settings));
  }

  @Test
  void bracketsFollowTheResourceRange_andTrialsSpreadOverThem() {
    SimpleStudy study = Studies.study(Direction.MINIMIZE);
    HyperbandPruner p =
        pruner(Map.of("min_resource", 1.0, "max_resource", 27.0, "reduction_factor", 3.0));
    p.shouldPrune(study, Studies.running(study, 1), 0);
    assertThat(p.bracketCount()).isEqualTo(4); // log3(27) + 1
    Map<Integer, Integer> perBracket = new HashMap<>();
    for (int n = 0; n < 1000; n++) {
      perBracket.merge(p.bracketOf(n), 1, Integer::sum);
    }
    assertThat(perBracket).containsOnlyKeys(0, 1, 2, 3);
    // budgets ceil(4*27/4)=27, ceil(4*9/3)=12, ceil(4*3/2)=6, 4: bracket 0 gets the most trials
    assertThat(perBracket.get(0)).isGreaterThan(perBracket.get(1)).isGreaterThan(perBracket.get(3));
  }

  @Test
  void autoMaxResource_comesFromSucceededTrialsOnly_asOptuna() {
    SimpleStudy study = Studies.study(Direction.MINIMIZE);
    HyperbandPruner p = pruner(Map.of());
    Studies.running(study, 5, 4, 3).finish(TrialState.PRUNED); // stopped at step 2 by someone else
    assertThat(p.shouldPrune(study, Studies.running(study, 9, 9, 9), 2)).isFalse();
    assertThat(p.bracketCount()).as("no budget from a pruned trial").isZero();
    Studies.completed(study, new double[27]); // steps 0..26: max_resource 27
    p.shouldPrune(study, Studies.running(study, 1), 0);
    assertThat(p.bracketCount()).isEqualTo(4); // log3(27) + 1
  }

  @Test
  void aTrialCompetesOnlyWithinItsBracket_andItsFirstRungDependsOnTheBracket() {
    SimpleStudy study = Studies.study(Direction.MINIMIZE);
    HyperbandPruner p =
        pruner(Map.of("min_resource", 1.0, "max_resource", 27.0, "reduction_factor", 3.0));
    for (int t = 0; t < 40; t++) {
      Studies.completed(study, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
    }
    int checked = 0;
    for (int t = 0; t < 30; t++) {
      SimpleTrial bad = Studies.running(study, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5);
      int bracket = p.bracketOf(bad.number());
      long firstRung = (long) Math.pow(3, bracket);
      if (firstRung <= 9) {
        assertThat(p.shouldPrune(study, bad, firstRung))
            .as("bracket %d at step %d", bracket, firstRung)
            .isTrue();
        if (firstRung > 1) {
          assertThat(p.shouldPrune(study, bad, firstRung - 1)).isFalse();
        }
        checked++;
      }
    }
    assertThat(checked).isPositive();
  }

  /**
   * A trial that reported {@code value} every 25 steps up to {@code until} (validation-style
   * reports).
   */
  private static SimpleTrial everyTwentyFive(SimpleStudy study, long until, double value) {
    SimpleTrial t = study.start(Map.of());
    for (long step = 25; step <= until; step += 25) {
      t.report("loss", step, value);
    }
    return t;
  }

  /** Starts trials (reporting nothing) until one hashes to {@code bracket}. */
  private static SimpleTrial nextIn(SimpleStudy study, HyperbandPruner p, int bracket) {
    while (true) {
      SimpleTrial t = study.start(Map.of());
      if (p.bracketOf(t.number()) == bracket) {
        return t;
      }
    }
  }

  @Test
  void bracketsWhoseRungsFallOnTheSameReports_competeAsOne() {
    for (boolean merge : new boolean[] {true, false}) {
      SimpleStudy study = Studies.study(Direction.MINIMIZE);
      HyperbandPruner p = pruner(Map.of("merge_brackets", merge));
      everyTwentyFive(study, 150, 1.0)
          .succeed("loss", 1.0); // max_resource auto: 151, five brackets
      p.shouldPrune(study, study.trials().get(0), 150);
      assertThat(p.bracketCount()).isEqualTo(5);
      // Rungs 1, 3, 9 (brackets 0, 1, 2) all fall on the first report, step 25: those brackets
      // judge at
      // 25, 50 and 100 alike. Three good trials of bracket 0 reach step 25.
      for (int i = 0; i < 3; i++) {
        SimpleTrial good = nextIn(study, p, 0).report("loss", 25, 1.0);
        assertThat(p.shouldPrune(study, good, 25)).isFalse();
      }
      // The first trial of bracket 2 to reach step 25, and a poor one: merged, it is compared with
      // bracket 0's trials and pruned; apart, it is alone in its bracket and promoted (as in
      // Optuna).
      SimpleTrial poor = nextIn(study, p, 2).report("loss", 25, 5.0);
      assertThat(p.shouldPrune(study, poor, 25)).as("merge_brackets %s", merge).isEqualTo(merge);
      // Bracket 3's first rung is 27: it judges at 50, not 25, so it stays apart and does not judge
      // yet.
      SimpleTrial late = nextIn(study, p, 3).report("loss", 25, 5.0);
      assertThat(p.shouldPrune(study, late, 25)).isFalse();
    }
  }

  @Test
  void aTrialResumedFromACheckpoint_doesNotGiveTheReportGrid() {
    SimpleStudy study = Studies.study(Direction.MINIMIZE);
    HyperbandPruner p = pruner(Map.of("max_resource", 151.0));
    // The first trial to succeed resumed at step 100 and reported only 125 and 150: on that grid
    // every
    // bracket's first rung would fall on 125 and all five would merge. It must not be taken as the
    // grid.
    study
        .start(new Suggestion.Params(Map.of(), Optional.of(new Checkpoint(0, 100)), 150, Map.of()))
        .report("loss", 125, 1.0)
        .report("loss", 150, 1.0)
        .succeed("loss", 1.0);
    everyTwentyFive(study, 150, 1.0).succeed("loss", 1.0);
    for (int i = 0; i < 3; i++) {
      assertThat(p.shouldPrune(study, nextIn(study, p, 0).report("loss", 25, 1.0), 25)).isFalse();
    }
    // Judged on the from-scratch grid, bracket 0 judges at 25: a poor trial there is pruned.
    assertThat(p.shouldPrune(study, nextIn(study, p, 0).report("loss", 25, 5.0), 25)).isTrue();
  }

  @Test
  void bracketsThatNeverJudgeOnTheGrid_stayApart() {
    SimpleStudy study = Studies.study(Direction.MINIMIZE);
    // max_resource 1000: seven brackets; the first rungs of brackets 5 and 6 (243, 729) lie beyond
    // the
    // 150 steps of the grid trial, so neither judges on the grid; they must not be merged.
    HyperbandPruner p = pruner(Map.of("max_resource", 1000.0));
    everyTwentyFive(study, 150, 1.0).succeed("loss", 1.0);
    for (int i = 0; i < 3; i++) {
      assertThat(p.shouldPrune(study, nextIn(study, p, 5).report("loss", 243, 1.0), 243)).isFalse();
    }
    assertThat(p.shouldPrune(study, nextIn(study, p, 5).report("loss", 243, 5.0), 243))
        .as("bracket 5 judges at its own first rung, 243")
        .isTrue();
  }

  @Test
  void rungsFromMaxResource_putTheLastCutAtMaxResourceOverReductionFactor() {
    for (boolean fromMax : new boolean[] {true, false}) {
      SimpleStudy study = Studies.study(Direction.MINIMIZE);
      HyperbandPruner p = pruner(Map.of("rungs_from_max_resource", fromMax));
      everyTwentyFive(study, 150, 1.0).succeed("loss", 1.0); // max_resource auto: 151
      p.shouldPrune(study, study.trials().get(0), 150);
      // From max: rungs 151/81 = 1.9, 5.6, 16.8, 50.3 (judged at 25, 25, 25, 50), none after step
      // 50.
      // From min (Optuna): 1, 3, 9, 27, 81, the last judged at step 100.
      for (int i = 0; i < 3; i++) {
        SimpleTrial good = nextIn(study, p, 0);
        for (long step = 25; step <= 100; step += 25) {
          good.report("loss", step, 1.0);
          assertThat(p.shouldPrune(study, good, step)).isFalse();
        }
      }
      SimpleTrial fadingLate = nextIn(study, p, 0).report("loss", 25, 1.0).report("loss", 50, 1.0);
      assertThat(p.shouldPrune(study, fadingLate, 25)).isFalse();
      assertThat(p.shouldPrune(study, fadingLate, 50)).isFalse();
      fadingLate.report("loss", 75, 5.0).report("loss", 100, 5.0);
      assertThat(p.shouldPrune(study, fadingLate, 75)).isFalse();
      assertThat(p.shouldPrune(study, fadingLate, 100))
          .as("rungs from max_resource: %s", fromMax)
          .isEqualTo(!fromMax);
    }
  }

  @Test
  void withAReportAtEveryStep_mergingChangesNoDecision() {
    java.util.Random random = new java.util.Random(7);
    SimpleStudy merged = Studies.study(Direction.MINIMIZE);
    SimpleStudy apart = Studies.study(Direction.MINIMIZE);
    HyperbandPruner withMerge = pruner(Map.of("max_resource", 81.0));
    HyperbandPruner optunas = pruner(Map.of("max_resource", 81.0, "merge_brackets", false));
    int pruned = 0;
    for (int n = 0; n < 200; n++) {
      SimpleTrial a = merged.start(Map.of());
      SimpleTrial b = apart.start(Map.of());
      double rate = random.nextDouble();
      boolean stopped = false;
      for (long step = 0; step <= 80 && !stopped; step++) {
        double loss = 1 / (1 + rate * step) + 0.05 * random.nextGaussian();
        a.report("loss", step, loss);
        b.report("loss", step, loss);
        boolean decision = withMerge.shouldPrune(merged, a, step);
        assertThat(decision)
            .as("trial %d step %d", n, step)
            .isEqualTo(optunas.shouldPrune(apart, b, step));
        stopped = decision;
      }
      a.finish(stopped ? vernier.spi.TrialState.PRUNED : vernier.spi.TrialState.SUCCEEDED);
      b.finish(stopped ? vernier.spi.TrialState.PRUNED : vernier.spi.TrialState.SUCCEEDED);
      pruned += stopped ? 1 : 0;
    }
    assertThat(pruned).isBetween(50, 199);
  }
}
