package vernier.client;

import java.util.ArrayList;
import java.util.List;
import vernier.v1.StudySpec;

/**
 * The metrics a study needs from every succeeded trial: each objective's and each constraint's.
 * Workers check them to refuse a study they cannot fill (the DJL worker before its first trial,
 * {@code vernier agent} after a command that did not report one).
 */
public final class StudyNeeds {

  private StudyNeeds() {}

  /** A needed metric and why: {@code objective} or {@code constraint}. */
  public record Metric(String name, String role) {
    @Override
    public String toString() {
      return name + " (" + role + ")";
    }
  }

  /** The objectives' metrics, then the constraints', in the spec's order. */
  public static List<Metric> metrics(StudySpec spec) {
    List<Metric> out = new ArrayList<>();
    spec.getObjectivesList().forEach(o -> out.add(new Metric(o.getMetric(), "objective")));
    spec.getConstraintsList().forEach(c -> out.add(new Metric(c.getMetric(), "constraint")));
    return out;
  }
}
