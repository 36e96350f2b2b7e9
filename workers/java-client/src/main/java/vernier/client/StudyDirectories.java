package vernier.client;

import com.google.protobuf.Timestamp;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import vernier.v1.Study;

/**
 * Names of directories that hold a study's files on a worker (checkpoints, run outputs), made only
 * of a valid study id and a timestamp.
 */
public final class StudyDirectories {

  /**
   * The server's rule for study names. Checked here too: these names become paths on the worker,
   * and a fake or tampered server must not make a worker write outside its directory ({@code
   * studies/../../escaped}).
   */
  private static final Pattern STUDY_NAME = Pattern.compile("studies/([a-z][a-z0-9-]{0,62})");

  private StudyDirectories() {}

  /**
   * {@code <study id>-<creation time as seconds.nanoseconds>}: unique to this incarnation of the
   * study, so a study deleted and created again under the same id never meets the old one's files.
   */
  public static String name(Study study) {
    Matcher m = STUDY_NAME.matcher(study.getName());
    if (!m.matches()) {
      String shown = study.getName();
      throw new IllegalStateException(
          "the server named a study '"
              + (shown.length() > 100 ? shown.substring(0, 100) + "…" : shown)
              + "', which is not a study name (studies/ then 1-63 of a-z, 0-9 and -); no"
              + " directory is made of it");
    }
    Timestamp created = study.getCreateTime();
    return m.group(1)
        + "-"
        + created.getSeconds()
        + "."
        + String.format("%09d", created.getNanos());
  }
}
