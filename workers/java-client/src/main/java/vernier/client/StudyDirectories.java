package vernier.client;

import com.google.protobuf.Timestamp;
import vernier.v1.Study;

/** Names of directories that hold a study's files on a worker (checkpoints, run outputs). */
public final class StudyDirectories {

  private StudyDirectories() {}

  /**
   * {@code <study id>-<creation time as seconds.nanoseconds>}: unique to this incarnation of the
   * study, so a study deleted and created again under the same id never meets the old one's files.
   */
  public static String name(Study study) {
    Timestamp created = study.getCreateTime();
    return study.getName().replace("studies/", "")
        + "-"
        + created.getSeconds()
        + "."
        + String.format("%09d", created.getNanos());
  }
}
