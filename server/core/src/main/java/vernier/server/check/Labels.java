package vernier.server.check;

import java.util.Map;
import java.util.function.Predicate;
import vernier.server.ApiException;

/**
 * The rules for trial labels, from workers (reports) and from samplers (a plan's labels): key and
 * value sizes, how many a trial holds, and the sampler namespaces ({@code pbt.member}) that only
 * samplers may write.
 */
public final class Labels {

  /** The most labels one trial holds, worker and sampler labels together. */
  public static final int MAX_PER_TRIAL = 32;

  private Labels() {}

  /** What is wrong with one label, or null. */
  static String problem(String key, String value) {
    if (key.isEmpty() || key.length() > 63) {
      return "label keys have 1 to 63 characters";
    }
    return value.length() > 256 ? "label values have at most 256 characters" : null;
  }

  /**
   * A worker's labels: each well formed and outside every sampler's namespace.
   *
   * @throws ApiException INVALID_ARGUMENT naming {@code labels[key]}
   */
  static void checkFromWorker(Map<String, String> labels, Predicate<String> samplerLabel) {
    if (labels.size() > MAX_PER_TRIAL) {
      throw ApiException.invalid("labels", "a trial has at most " + MAX_PER_TRIAL + " labels");
    }
    for (Map.Entry<String, String> e : labels.entrySet()) {
      String problem = problem(e.getKey(), e.getValue());
      if (problem == null && samplerLabel.test(e.getKey())) {
        problem =
            "keys beginning with '"
                + e.getKey().substring(0, e.getKey().indexOf('.') + 1)
                + "' are reserved for that sampler's plan";
      }
      if (problem != null) {
        throw ApiException.invalid("labels[" + e.getKey() + "]", problem);
      }
    }
  }

  /**
   * A sampler's labels: each well formed and inside an installed sampler's namespace.
   *
   * @throws IllegalStateException naming the sampler: it broke its contract
   */
  static void checkFromSampler(
      Map<String, String> labels, Predicate<String> samplerLabel, String sampler) {
    labels.forEach(
        (key, value) -> {
          String problem = problem(key, value);
          if (problem == null && !samplerLabel.test(key)) {
            problem =
                "label keys from a sampler are namespaced by an installed sampler's name, as"
                    + " pbt.member";
          }
          if (problem != null) {
            throw new IllegalStateException(
                "sampler '" + sampler + "' set label " + key + ": " + problem);
          }
        });
  }
}
