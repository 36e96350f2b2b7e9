package vernier.plugins.basic;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import vernier.spi.ParamValue;
import vernier.spi.Parameter;
import vernier.spi.Sampler;
import vernier.spi.SamplingContext;
import vernier.spi.SearchSpace;
import vernier.spi.StudyView;
import vernier.spi.Suggestion;
import vernier.spi.TrialView;

/**
 * Exhaustive grid search over the product of every parameter's grid values, expanding conditional
 * parameters only under the parent values that activate them. Points already taken by any trial of
 * the study (running, finished, enqueued or imported) are skipped, so parallel workers never get
 * the same point; once every point is taken it answers {@link Suggestion.Exhausted}.
 */
final class GridSampler implements Sampler {

  private final List<Map<String, ParamValue>> points;
  private final Set<Map<String, ParamValue>> taken = new HashSet<>();
  private int trialsSeen;
  private int cursor;

  GridSampler(SearchSpace space, int resolution, boolean shuffle, long seed, int maxPoints) {
    List<Map<String, ParamValue>> all = new ArrayList<>();
    expand(space.parameters(), 0, new LinkedHashMap<>(), resolution, maxPoints, all);
    if (shuffle) {
      Collections.shuffle(all, new Random(seed));
    }
    this.points = all;
  }

  int size() {
    return points.size();
  }

  private static void expand(
      List<Parameter> params,
      int index,
      LinkedHashMap<String, ParamValue> prefix,
      int resolution,
      int maxPoints,
      List<Map<String, ParamValue>> out) {
    if (index == params.size()) {
      if (out.size() >= maxPoints) {
        throw new IllegalArgumentException(
            "grid has more than max_points = "
                + maxPoints
                + " points; lower resolution or raise max_points");
      }
      out.add(Map.copyOf(prefix));
      return;
    }
    Parameter p = params.get(index);
    if (!SearchSpace.isActive(p, prefix)) {
      expand(params, index + 1, prefix, resolution, maxPoints, out);
      return;
    }
    for (ParamValue v : GridValues.gridValues(p.domain(), resolution)) {
      prefix.put(p.name(), v);
      expand(params, index + 1, prefix, resolution, maxPoints, out);
      prefix.remove(p.name());
    }
  }

  @Override
  public Suggestion suggest(StudyView study, SamplingContext context) {
    List<? extends TrialView> trials = study.trials();
    // Trials are append-only in number order, so only the new ones need indexing.
    for (; trialsSeen < trials.size(); trialsSeen++) {
      taken.add(Map.copyOf(trials.get(trialsSeen).params()));
    }
    while (cursor < points.size() && taken.contains(points.get(cursor))) {
      cursor++;
    }
    if (cursor == points.size()) {
      return Suggestion.exhausted();
    }
    return Suggestion.of(points.get(cursor++));
  }
}
