package vernier.djl;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import vernier.client.StudyNeeds;
import vernier.v1.Study;

/**
 * Whether a task can fill a study: every objective and constraint metric must be one the task
 * reports. Checked once before the first ask, so a worker that cannot satisfy a study says so in
 * one line instead of training trials that can only fail.
 */
final class StudyFit {

  private StudyFit() {}

  /**
   * @throws IllegalArgumentException naming the study, the missing metrics and what the task
   *     reports
   */
  static void check(Study study, Task task) {
    Set<String> reported = task.metrics();
    List<String> missing =
        StudyNeeds.metrics(study.getSpec()).stream()
            .filter(m -> !reported.contains(m.name()))
            .map(StudyNeeds.Metric::toString)
            .toList();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          "the "
              + task.name()
              + " task cannot fill "
              + study.getName()
              + ": it needs "
              + String.join(", ", missing)
              + ", which the task does not report (it reports "
              + String.join(", ", new TreeSet<>(reported))
              + "); give it a study over those metrics, such as examples/djl-"
              + task.name()
              + ".yaml");
    }
  }
}
