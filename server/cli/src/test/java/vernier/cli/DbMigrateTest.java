package vernier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vernier.client.ActiveTrial;
import vernier.client.VernierClient;
import vernier.server.storage.LocalPostgres;
import vernier.v1.Direction;
import vernier.v1.FloatDomain;
import vernier.v1.GetStudyRequest;
import vernier.v1.ListTrialsRequest;
import vernier.v1.ListTrialsResponse;
import vernier.v1.Objective;
import vernier.v1.ParameterSpec;
import vernier.v1.StudySpec;

/**
 * {@code vernier db migrate} from a server's SQLite file to PostgreSQL: a server started on the
 * copy serves the same study, trial for trial, and continues its numbering.
 */
final class DbMigrateTest {

  @TempDir Path dir;

  @Test
  void sqliteToPostgres_theServerOnTheCopyServesTheSameStudy() throws Exception {
    Path sqlite = dir.resolve("vernier.db");
    String study = "studies/moved";
    ListTrialsResponse before;
    vernier.v1.Study studyBefore;
    try (ServerProcess server = ServerProcess.start(sqlite, ServerProcess.freePort());
        VernierClient client = VernierClient.connect(server.target())) {
      client.createStudy(
          "moved",
          StudySpec.newBuilder()
              .addParameters(
                  ParameterSpec.newBuilder()
                      .setName("lr")
                      .setFloatDomain(
                          FloatDomain.newBuilder().setMin(1e-4).setMax(1).setLogScale(true)))
              .addObjectives(
                  Objective.newBuilder().setMetric("loss").setDirection(Direction.MINIMIZE))
              .build());
      for (int i = 0; i < 12; i++) {
        try (ActiveTrial t = client.ask(study, "w").orElseThrow()) {
          t.report(1, Map.of("loss", 1.0 + i));
          if (i % 3 == 0) {
            t.fail("diverged at step 1");
          } else {
            t.succeed(Map.of("loss", 0.5 + i));
          }
        }
      }
      client.ask(study, "still-running"); // one running trial moves too, with its lease
      before = list(client, study);
      studyBefore = client.studies().getStudy(GetStudyRequest.newBuilder().setName(study).build());
    }
    String url = LocalPostgres.shared().newDatabase().toString();
    Path log = dir.resolve("migrate.log");
    ProcessBuilder migrate =
        new ProcessBuilder(
                ChildJvm.vernier("db", "migrate", "--from", sqlite.toString(), "--to", url))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    migrate.environment().put("PGPASSWORD", LocalPostgres.PASSWORD);
    Process p = migrate.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String out = Files.readString(log);
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out)
        .contains("copied study moved: 13 trials, 12 measurements")
        .contains("copied 1 studies (13 trials, 12 measurements) from SQLite");

    try (ServerProcess server =
            ServerProcess.start(
                url, dir, Map.of("PGPASSWORD", LocalPostgres.PASSWORD), ServerProcess.freePort());
        VernierClient client = VernierClient.connect(server.target())) {
      assertThat(list(client, study)).isEqualTo(before);
      assertThat(client.studies().getStudy(GetStudyRequest.newBuilder().setName(study).build()))
          .isEqualTo(studyBefore);
      Optional<ActiveTrial> next = client.ask(study, "after-the-move");
      assertThat(next.orElseThrow().trial().getNumber()).isEqualTo(13);
      next.get().close();
    }

    // a second run refuses: the study is there already, and nothing changes
    Process again = migrate.start(); // the same command, PGPASSWORD and log
    assertThat(again.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(again.exitValue()).isEqualTo(1);
    assertThat(Files.readString(log)).contains("already has moved; nothing was copied");
  }

  private static ListTrialsResponse list(VernierClient client, String study) {
    return client
        .studies()
        .listTrials(
            ListTrialsRequest.newBuilder()
                .setStudy(study)
                .setPageSize(1000)
                .setIncludeMeasurements(true)
                .build());
  }
}
