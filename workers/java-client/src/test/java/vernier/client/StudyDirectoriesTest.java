package vernier.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import org.junit.jupiter.api.Test;
import vernier.v1.Study;

/** Study names from the server become directory names only when they are study names. */
final class StudyDirectoriesTest {

  private static Study study(String name) {
    return Study.newBuilder()
        .setName(name)
        .setCreateTime(Timestamp.newBuilder().setSeconds(1700000000).setNanos(5))
        .build();
  }

  @Test
  void aStudyNameBecomesIdAndCreationTime() {
    assertThat(StudyDirectories.name(study("studies/mlp-sweep")))
        .isEqualTo("mlp-sweep-1700000000.000000005");
  }

  @Test
  void aNameThatIsNoStudyName_isRefused_soNoPathLeavesTheWorkdir() {
    for (String hostile :
        new String[] {"studies/../../../escaped", "studies/a/../../x", "/etc", "studies/A", ""}) {
      assertThatThrownBy(() -> StudyDirectories.name(study(hostile)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("which is not a study name")
          .hasMessageContaining("no directory is made of it");
    }
  }
}
