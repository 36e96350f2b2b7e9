package vernier.server;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses resource names, failing with INVALID_ARGUMENT that names the field. */
public final class ResourceNames {

  private static final Pattern STUDY_ID = Pattern.compile("[a-z][a-z0-9-]{0,62}");
  private static final Pattern STUDY = Pattern.compile("studies/([^/]+)");
  private static final Pattern TRIAL = Pattern.compile("studies/([^/]+)/trials/(\\d{1,18})");

  private ResourceNames() {}

  /** A trial reference: its study id and number. */
  public record TrialRef(String study, long number) {}

  /**
   * A new study's id: 1-63 characters of a-z, 0-9 and '-', starting with a letter (it is used in
   * resource names, metric labels and file names).
   */
  public static String newStudyId(String field, String id) {
    if (!STUDY_ID.matcher(id).matches()) {
      throw ApiException.invalid(
          field,
          "'" + id + "' must be 1-63 characters of a-z, 0-9 and '-', starting with a letter");
    }
    return id;
  }

  public static String study(String field, String name) {
    Matcher m = STUDY.matcher(name);
    if (!m.matches()) {
      throw ApiException.invalid(field, "expected studies/{study}, got '" + name + "'");
    }
    return m.group(1);
  }

  public static TrialRef trial(String field, String name) {
    Matcher m = TRIAL.matcher(name);
    if (!m.matches()) {
      throw ApiException.invalid(
          field, "expected studies/{study}/trials/{number}, got '" + name + "'");
    }
    return new TrialRef(m.group(1), Long.parseLong(m.group(2)));
  }
}
