package vernier.server.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import vernier.server.ApiException;
import vernier.server.Protos;
import vernier.spi.ParamValue;
import vernier.spi.StudyDefinition;
import vernier.spi.TrialState;
import vernier.v1.ImportedTrial;
import vernier.v1.Measurement;
import vernier.v1.TellRequest;

/**
 * A finished trial from elsewhere (another tool, an earlier study), checked against the study: its
 * params in the space, its state a finished one, its values those a tell would need, its steps not
 * negative.
 */
public record CheckedImport(
    Map<String, ParamValue> params, Outcome outcome, List<CheckedReport.Value> measurements) {

  /** Checks every trial; nothing is imported when one is bad. */
  public static List<CheckedImport> all(List<ImportedTrial> trials, StudyDefinition study) {
    List<CheckedImport> out = new ArrayList<>();
    for (int i = 0; i < trials.size(); i++) {
      out.add(of(trials.get(i), study, "trials[" + i + "]"));
    }
    return out;
  }

  /**
   * @throws ApiException INVALID_ARGUMENT naming the field, e.g. {@code trials[3].state}
   */
  static CheckedImport of(ImportedTrial imported, StudyDefinition study, String field) {
    Map<String, ParamValue> params =
        ParamsCheck.wire(study.space(), imported.getParamsMap(), field + ".params");
    TrialState state =
        switch (imported.getState()) {
          case SUCCEEDED, PRUNED, FAILED, INFEASIBLE -> Protos.toSpi(imported.getState());
          default ->
              throw ApiException.invalid(
                  field + ".state", "must be SUCCEEDED, PRUNED, FAILED or INFEASIBLE");
        };
    Outcome outcome;
    try {
      outcome =
          state == TrialState.SUCCEEDED
              ? Outcome.of(
                  TellRequest.newBuilder()
                      .setSucceeded(
                          TellRequest.Succeeded.newBuilder().putAllValues(imported.getValuesMap()))
                      .build(),
                  study)
              : new Outcome(state, Map.of(), "imported", false, false, null);
    } catch (ApiException e) {
      throw ApiException.invalid(field + ".values", e.getMessage());
    }
    if (outcome.error() != null) {
      throw ApiException.invalid(field + ".values", outcome.error().getMessage());
    }
    List<CheckedReport.Value> measurements = new ArrayList<>();
    for (int i = 0; i < imported.getMeasurementsCount(); i++) {
      Measurement m = imported.getMeasurements(i);
      if (m.getStep() < 0) {
        throw ApiException.invalid(field + ".measurements[" + i + "].step", "must be >= 0");
      }
      String at = field + ".measurements[" + i + "].metrics";
      m.getMetricsMap()
          .forEach(
              (metric, value) ->
                  measurements.add(
                      new CheckedReport.Value(
                          m.getStep(), metric, value, at + "[" + metric + "]")));
    }
    return new CheckedImport(params, outcome, measurements);
  }
}
