package vernier.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import vernier.bench.SamplerBenchmark.Result;

/**
 * The second sampler table: per problem, Vernier's samplers against Optuna's by a paired Wilcoxon
 * signed-rank test over seeds ({@link PairedTest}), then a tally of the targets: the
 * default ({@code auto}) has a lower median than Optuna's TPE on every problem; Vernier's best
 * sampler (by median) shows no significant loss against Optuna's best on any problem, and a
 * significant win on at least half.
 */
final class Comparisons {

  private final List<String> problems;
  private final List<Result> results;
  private final double alpha;
  private final boolean allPairs;

  Comparisons(List<String> problems, List<Result> results, double alpha, boolean allPairs) {
    this.problems = problems;
    this.results = results;
    this.alpha = alpha;
    this.allPairs = allPairs;
  }

  void print() {
    header();
    Tally auto = new Tally();
    Tally best = new Tally();
    for (String problem : problems) {
      List<Result> vernier = of(problem, "vernier-");
      List<Result> optuna = of(problem, "optuna-");
      if (vernier.isEmpty() || optuna.isEmpty()) {
        continue;
      }
      Result bestVernier = best(vernier);
      Result bestOptuna = best(optuna);
      best.add(PairedTest.of(bestVernier.bests(), bestOptuna.bests()), bestVernier, bestOptuna);
      Optional<Result> vernierAuto = named(vernier, "vernier-auto");
      Optional<Result> optunaTpe =
          named(optuna, "optuna-tpe").or(() -> named(optuna, "optuna-tpe-cl"));
      if (vernierAuto.isPresent() && optunaTpe.isPresent()) {
        auto.add(
            PairedTest.of(vernierAuto.get().bests(), optunaTpe.get().bests()),
            vernierAuto.get(),
            optunaTpe.get());
      }
      if (vernierAuto.equals(Optional.of(bestVernier))
          && optunaTpe.equals(Optional.of(bestOptuna))) {
        row(problem, bestVernier, bestOptuna, " (best vs best, default vs default)");
      } else {
        row(problem, bestVernier, bestOptuna, " (best vs best)");
        if (vernierAuto.isPresent() && optunaTpe.isPresent()) {
          row(problem, vernierAuto.get(), optunaTpe.get(), " (default vs default)");
        }
      }
    }
    System.out.println();
    if (auto.problems > 0) {
      System.out.printf(
          Locale.ROOT,
          "- auto vs optuna-tpe: lower median on %d of %d problems (significantly better on %d,"
              + " worse on %d).%n",
          auto.lowerMedian,
          auto.problems,
          auto.better,
          auto.worse);
    }
    System.out.printf(
        Locale.ROOT,
        "- best vs best: no significant loss on %d of %d problems, significantly better on %d.%n",
        best.problems - best.worse,
        best.problems,
        best.better);
    if (allPairs) {
      printAllPairs();
    }
  }

  /** Every Vernier sampler against every Optuna sampler, per problem. */
  private void printAllPairs() {
    header();
    for (String problem : problems) {
      List<Result> optuna = of(problem, "optuna-");
      of(problem, "vernier-").forEach(v -> optuna.forEach(o -> row(problem, v, o, "")));
    }
  }

  private void header() {
    System.out.printf(
        Locale.ROOT,
        "%n| problem | Vernier vs Optuna | Vernier median | Optuna median | median paired"
            + " difference | p (two-sided) | Vernier (alpha %s) |%n|---|---|---|---|---|---|---|%n",
        alpha);
  }

  private void row(String problem, Result v, Result o, String label) {
    PairedTest t = PairedTest.of(v.bests(), o.bests());
    System.out.printf(
        Locale.ROOT,
        "| %s | %s vs %s%s | %.5g | %.5g | %.4g | %.3g | %s |%n",
        problem,
        v.sampler(),
        o.sampler(),
        label,
        Stats.median(v.bests()),
        Stats.median(o.bests()),
        t.medianDifference(),
        t.p(),
        t.verdict(alpha));
  }

  private List<Result> of(String problem, String prefix) {
    List<Result> out = new ArrayList<>();
    for (Result r : results) {
      if (r.problem().equals(problem) && r.sampler().startsWith(prefix)) {
        out.add(r);
      }
    }
    return out;
  }

  private static Result best(List<Result> runs) {
    return runs.stream()
        .min(Comparator.comparingDouble(r -> Stats.median(r.bests())))
        .orElseThrow();
  }

  private static Optional<Result> named(List<Result> runs, String sampler) {
    return runs.stream().filter(r -> r.sampler().equals(sampler)).findFirst();
  }

  /** Counts over problems for one kind of pair. */
  private final class Tally {
    int problems;
    int lowerMedian;
    int better;
    int worse;

    void add(PairedTest t, Result v, Result o) {
      problems++;
      lowerMedian += Stats.median(v.bests()) < Stats.median(o.bests()) ? 1 : 0;
      better += t.p() < alpha && t.aBetter() ? 1 : 0;
      worse += t.p() < alpha && !t.aBetter() ? 1 : 0;
    }
  }
}
