package vernier.server.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import vernier.server.ApiException;
import vernier.v1.Measurement;
import vernier.v1.ReportRequest;

/**
 * A report whose measurements and labels are well formed on their own: steps not negative, metric
 * names not blank, a (step, metric) given once (or twice with the same value), labels within the
 * {@link Labels} rules. What depends on the trial (its lease, values it already has) is checked by
 * the study.
 *
 * @param values each (step, metric) once, in request order
 * @param lastStep the largest step reported, or -1 for a heartbeat
 */
public record CheckedReport(
    String leaseId, List<Value> values, Map<String, String> labels, long lastStep) {

  /** One reported value, and where it was in the request (for errors). */
  public record Value(long step, String metric, double value, String field) {}

  /**
   * @throws ApiException INVALID_ARGUMENT naming the field, e.g. {@code measurements[2].step}
   */
  public static CheckedReport of(ReportRequest request, Predicate<String> samplerLabel) {
    Labels.checkFromWorker(request.getLabelsMap(), samplerLabel);
    Map<String, Value> seen = new HashMap<>();
    List<Value> values = new ArrayList<>();
    long lastStep = -1;
    for (int i = 0; i < request.getMeasurementsCount(); i++) {
      Measurement m = request.getMeasurements(i);
      String field = "measurements[" + i + "]";
      if (m.getStep() < 0) {
        throw ApiException.invalid(field + ".step", "must be >= 0, got " + m.getStep());
      }
      if (m.getMetricsCount() == 0) {
        throw ApiException.invalid(field + ".metrics", "at least one metric is required");
      }
      lastStep = Math.max(lastStep, m.getStep());
      for (Map.Entry<String, Double> e : m.getMetricsMap().entrySet()) {
        String metricField = field + ".metrics[" + e.getKey() + "]";
        if (e.getKey().isBlank()) {
          throw ApiException.invalid(metricField, "metric name must not be empty");
        }
        Value v = new Value(m.getStep(), e.getKey(), e.getValue(), metricField);
        Value before = seen.putIfAbsent(m.getStep() + "\u0000" + e.getKey(), v);
        if (before == null) {
          values.add(v);
        } else if (Double.compare(before.value(), v.value()) != 0) {
          throw ApiException.invalid(
              metricField, "step " + m.getStep() + " appears twice with different values");
        }
      }
    }
    return new CheckedReport(
        request.getLeaseId(), List.copyOf(values), Map.copyOf(request.getLabelsMap()), lastStep);
  }
}
