package vernier.djl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import vernier.spi.Checkpoint;
import vernier.spi.ParamValue;
import vernier.spi.Sampler;
import vernier.spi.SamplerFactory;
import vernier.spi.SettingSpec;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;
import vernier.spi.StudyView;
import vernier.spi.Suggestion;
import vernier.spi.TrialState;
import vernier.spi.TrialView;

/**
 * {@code test-plan}, for the DJL worker's tests: suggests a fixed plan of population-based-training
 * segments, as the {@code pbt} sampler would. {@code plan} is a comma-separated list of {@code
 * FROM:MAX} or {@code FROM:MAX:UNITS}, FROM being {@code -} (from scratch) or {@code TRIAL@STEP};
 * the n-th first attempt gets the n-th entry, with {@code lr} (and {@code units} when given) as its
 * parameters and the label {@code test-plan.segment = n}. An entry waits until the trial it starts
 * from has finished.
 */
public final class PlanSamplerFactory implements SamplerFactory {

  @Override
  public String name() {
    return "test-plan";
  }

  @Override
  public String description() {
    return "Test only: a fixed plan of start_from / max_step segments.";
  }

  @Override
  public List<SettingSpec> settings() {
    return List.of(
        SettingSpec.string("plan", "", "FROM:MAX, ... with FROM - or TRIAL@STEP"),
        SettingSpec.number("lr", 0.01, "the lr of every trial"));
  }

  @Override
  public Sampler create(StudyDefinition study, Settings settings) {
    List<Segment> plan = new ArrayList<>();
    for (String entry : settings.getString("plan", "").split(",")) {
      String[] fromAndMax = entry.trim().split(":");
      Optional<Checkpoint> from = Optional.empty();
      if (!fromAndMax[0].equals("-")) {
        String[] trialAndStep = fromAndMax[0].split("@");
        from =
            Optional.of(
                new Checkpoint(Long.parseLong(trialAndStep[0]), Long.parseLong(trialAndStep[1])));
      }
      plan.add(
          new Segment(
              from,
              Long.parseLong(fromAndMax[1]),
              fromAndMax.length > 2
                  ? Optional.of(Long.parseLong(fromAndMax[2]))
                  : Optional.empty()));
    }
    return new PlanSampler(plan, settings.getDouble("lr", 0.01));
  }

  private record Segment(Optional<Checkpoint> from, long maxStep, Optional<Long> units) {}

  private record PlanSampler(List<Segment> plan, double lr) implements Sampler {

    @Override
    public Suggestion suggest(StudyView study, vernier.spi.SamplingContext context) {
      int next = (int) study.trials().stream().filter(t -> t.attempt() == 1).count();
      if (next >= plan.size()) {
        return Suggestion.exhausted();
      }
      Segment s = plan.get(next);
      boolean parentRunning =
          s.from().isPresent()
              && study.trials().stream()
                  .filter(t -> t.number() == s.from().get().trial())
                  .map(TrialView::state)
                  .anyMatch(state -> state == TrialState.ACTIVE || state == TrialState.WAITING);
      if (parentRunning) {
        return Suggestion.waitForRunningTrials();
      }
      Map<String, ParamValue> params = new HashMap<>(Map.of("lr", ParamValue.of(lr)));
      s.units().ifPresent(u -> params.put("units", ParamValue.of(u)));
      return new Suggestion.Params(
          params, s.from(), s.maxStep(), Map.of("test-plan.segment", Integer.toString(next)));
    }
  }
}
