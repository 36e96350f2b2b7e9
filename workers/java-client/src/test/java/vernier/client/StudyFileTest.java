package vernier.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vernier.v1.CreateStudyRequest;
import vernier.v1.Direction;

/** Study files: typos answered with line, path and the likely field; enums in any case. */
final class StudyFileTest {

  @TempDir Path dir;

  private Path write(String yaml) throws Exception {
    return Files.writeString(dir.resolve("study.yaml"), yaml);
  }

  @Test
  void read_acceptsEnumValuesInAnyCase() throws Exception {
    CreateStudyRequest r =
        StudyFile.read(
            write(
                """
                study_id: s
                spec:
                  objectives: [{metric: loss, direction: minimize}, {metric: acc, direction: Maximize}]
                  parameters:
                    - {name: lr, float_domain: {min: 0.001, max: 0.1, log_scale: true}}
                """));
    assertThat(r.getSpec().getObjectives(0).getDirection()).isEqualTo(Direction.MINIMIZE);
    assertThat(r.getSpec().getObjectives(1).getDirection()).isEqualTo(Direction.MAXIMIZE);
    assertThat(r.getSpec().getParameters(0).getFloatDomain().getLogScale()).isTrue();
  }

  @Test
  void read_namesTheLinePathAndLikelyFieldOfATypo() throws Exception {
    Path file =
        write(
            """
            study_id: s
            spec:
              objectives: [{metric: loss, direction: MINIMIZE}]
              parameters:
                - name: units
                  int_domain: {min: 16, max: 512}
                - name: lr
                  float_domain: {min: 0.001, max: 0.1, log_scal: true}
            """);
    assertThatThrownBy(() -> StudyFile.read(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            file
                + ":8:44: spec.parameters[1].float_domain.log_scal: unknown field 'log_scal' in"
                + " FloatDomain; did you mean 'log_scale'? (fields: min, max, log_scale, step)");
  }

  @Test
  void read_listsTheValuesOfAnEnum() throws Exception {
    Path file =
        write(
            """
            study_id: s
            spec:
              objectives: [{metric: loss, direction: smallest}]
            """);
    assertThatThrownBy(() -> StudyFile.read(file))
        .hasMessage(
            file
                + ":3:31: spec.objectives[0].direction: 'smallest' is not one of MINIMIZE,"
                + " MAXIMIZE");
  }

  @Test
  void read_namesAnUnknownTopLevelKey_andPluginSettingsStayFreeForm() throws Exception {
    Path file =
        write(
            """
            study_id: s
            sepc: {}
            """);
    assertThatThrownBy(() -> StudyFile.read(file))
        .hasMessageStartingWith(
            file
                + ":2:1: sepc: unknown field 'sepc' in CreateStudyRequest;"
                + " did you mean 'spec'?");

    CreateStudyRequest r =
        StudyFile.read(
            write(
                """
                study_id: s
                spec:
                  sampler: {name: tpe, settings: {n_startup_trials: 5, anything_goes: [1, 2]}}
                  limits: {lease_duration: 120s}
                """));
    assertThat(r.getSpec().getSampler().getSettings().getFieldsMap()).containsKey("anything_goes");
    assertThat(r.getSpec().getLimits().getLeaseDuration().getSeconds()).isEqualTo(120);
  }
}
