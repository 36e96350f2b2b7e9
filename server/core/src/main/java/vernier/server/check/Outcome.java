package vernier.server.check;

import java.util.Map;
import vernier.server.ApiException;
import vernier.spi.Constraint;
import vernier.spi.Objective;
import vernier.spi.StudyDefinition;
import vernier.spi.TrialState;
import vernier.v1.TellRequest;

/**
 * A tell's outcome resolved against the study, without side effects: the final state and values,
 * and the error to return (a NaN objective is recorded as FAILED and answered INVALID_ARGUMENT).
 * Two tells are the same when their outcomes are equal, which makes repeating a tell idempotent.
 */
public record Outcome(
    TrialState state,
    Map<String, Double> values,
    String reason,
    boolean retryable,
    boolean feasible,
    ApiException error) {

  public static Outcome of(TellRequest request, StudyDefinition study) {
    return switch (request.getOutcomeCase()) {
      case SUCCEEDED -> succeeded(request.getSucceeded().getValuesMap(), study);
      case PRUNED -> new Outcome(TrialState.PRUNED, Map.of(), "", false, false, null);
      case FAILED ->
          new Outcome(
              TrialState.FAILED,
              Map.of(),
              request.getFailed().getReason(),
              request.getFailed().getRetryable(),
              false,
              null);
      case INFEASIBLE ->
          new Outcome(
              TrialState.INFEASIBLE,
              Map.of(),
              request.getInfeasible().getReason(),
              false,
              false,
              null);
      case OUTCOME_NOT_SET ->
          throw ApiException.invalid(
              "outcome", "one of succeeded, pruned, failed or infeasible is required");
    };
  }

  private static Outcome succeeded(Map<String, Double> values, StudyDefinition study) {
    for (Objective o : study.objectives()) {
      requirePresent(values, o.metric(), "objective");
    }
    for (Constraint c : study.constraints()) {
      requirePresent(values, c.metric(), "constraint");
    }
    for (Map.Entry<String, Double> e : values.entrySet()) {
      if (!Double.isFinite(e.getValue())) {
        String field = "outcome.succeeded.values[" + e.getKey() + "]";
        String reason =
            "metric '" + e.getKey() + "' is " + e.getValue() + "; the trial is recorded as FAILED";
        return new Outcome(
            TrialState.FAILED, Map.of(), reason, false, false, ApiException.invalid(field, reason));
      }
    }
    boolean feasible =
        study.constraints().stream().allMatch(c -> c.isSatisfiedBy(values.get(c.metric())));
    return new Outcome(TrialState.SUCCEEDED, Map.copyOf(values), "", false, feasible, null);
  }

  private static void requirePresent(Map<String, Double> values, String metric, String role) {
    if (!values.containsKey(metric)) {
      throw ApiException.invalid(
          "outcome.succeeded.values[" + metric + "]",
          "missing the " + role + " metric '" + metric + "'");
    }
  }
}
