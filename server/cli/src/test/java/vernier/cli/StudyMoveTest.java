package vernier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
import vernier.v1.Study;
import vernier.v1.StudySpec;
import vernier.v1.Trial;

/**
 * {@code vernier study export | import | copy} between two real server processes, one on SQLite and
 * one on PostgreSQL: the moved study is the same trial for trial, and bad files and flags get one
 * clear line each.
 */
final class StudyMoveTest {

  @TempDir Path dir;

  private CliRun vernier(String... args) throws Exception {
    return CliRun.of(dir, Map.of(), args);
  }

  @Test
  void aStudyMovesFromSqliteToPostgres_byFile_byCopy_andThroughAPipe() throws Exception {
    Path file = dir.resolve("moved.jsonl");
    try (ServerProcess a = ServerProcess.start(dir.resolve("a.db"), ServerProcess.freePort());
        ServerProcess b =
            ServerProcess.start(
                LocalPostgres.shared().newDatabase().toString(),
                dir,
                Map.of("PGPASSWORD", LocalPostgres.PASSWORD),
                ServerProcess.freePort());
        VernierClient fromA = VernierClient.connect(a.target());
        VernierClient fromB = VernierClient.connect(b.target())) {
      runASmallSweep(fromA);

      CliRun export = vernier("study", "export", "moved", "-s", a.target(), "-o", file.toString());
      assertThat(export.exit()).as(export.err()).isZero();
      assertThat(export.err()).contains("exported studies/moved: 11 trials to " + file);
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      assertThat(lines).hasSize(12);
      assertThat(lines.get(0)).startsWith("{\"study\":{\"formatVersion\":1,\"studyId\":\"moved\"");

      CliRun imported = vernier("study", "import", file.toString(), "-s", b.target());
      assertThat(imported.exit()).as(imported.err()).isZero();
      assertThat(imported.out()).contains("restored studies/moved: 11 trials (6 succeeded");
      assertSameStudy(fromA, "studies/moved", fromB, "studies/moved");

      CliRun copy =
          vernier(
              "study",
              "copy",
              "moved",
              "--from",
              a.target(),
              "--to",
              b.target(),
              "--study-id",
              "moved-2");
      assertThat(copy.exit()).as(copy.err()).isZero();
      assertThat(copy.out()).contains("restored studies/moved-2: 11 trials").contains(b.target());
      assertSameStudy(fromA, "studies/moved", fromB, "studies/moved-2");

      Process[] pipe =
          ProcessBuilder.startPipeline(
                  List.of(
                      new ProcessBuilder(
                          ChildJvm.vernier("study", "export", "moved", "-s", a.target())),
                      new ProcessBuilder(
                              ChildJvm.vernier(
                                  "study", "import", "-", "-s", b.target(), "--study-id", "piped"))
                          .redirectOutput(dir.resolve("pipe.txt").toFile())))
              .toArray(Process[]::new);
      for (Process p : pipe) {
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
      }
      assertSameStudy(fromA, "studies/moved", fromB, "studies/piped");

      // the moved study goes on where it left off: the next number, on the new server
      try (ActiveTrial next = fromB.ask("studies/moved", "after-the-move").orElseThrow()) {
        assertThat(next.trial().getNumber()).isEqualTo(11);
      }
    }
  }

  @Test
  void badFilesAndFlags_getOneLineNamingTheProblem_andStoreNothing() throws Exception {
    Path file = dir.resolve("s.jsonl");
    try (ServerProcess a = ServerProcess.start(dir.resolve("a.db"), ServerProcess.freePort());
        VernierClient client = VernierClient.connect(a.target())) {
      runASmallSweep(client);
      assertThat(
              vernier("study", "export", "moved", "-s", a.target(), "-o", file.toString()).exit())
          .isZero();
      List<String> lines = Files.readAllLines(file);

      CliRun taken = vernier("study", "import", file.toString(), "-s", a.target());
      assertThat(taken.exit()).isEqualTo(2);
      assertThat(taken.err()).contains("ALREADY_EXISTS").contains("--study-id");

      Path truncated = Files.write(dir.resolve("truncated.jsonl"), lines.subList(0, 5));
      CliRun cut =
          vernier("study", "import", truncated.toString(), "-s", a.target(), "--study-id", "cut");
      assertThat(cut.exit()).isEqualTo(2);
      assertThat(cut.err())
          .contains("records[0].study.trial_count")
          .contains("truncated")
          .contains("line i+1 of " + truncated);

      List<String> garbled = new java.util.ArrayList<>(lines);
      garbled.set(2, "{\"trial\": {\"trial\": {\"number\": \"three\"}}}");
      Path bad = Files.write(dir.resolve("bad.jsonl"), garbled);
      CliRun unreadable =
          vernier("study", "import", bad.toString(), "-s", a.target(), "--study-id", "bad");
      assertThat(unreadable.exit()).isEqualTo(1);
      assertThat(unreadable.err()).contains(bad + ":3: not a study export record");

      CliRun database =
          vernier("study", "copy", "moved", "--from", "vernier.db", "--to", a.target());
      assertThat(database.exit()).isNotZero();
      assertThat(database.err())
          .contains("--from: 'vernier.db' is a database")
          .contains("db migrate");

      CliRun format = vernier("study", "export", "moved", "-s", a.target(), "--format", "csv");
      assertThat(format.exit()).isNotZero();
      assertThat(format.err()).contains("--format").contains("JSONL");

      assertThat(
              client
                  .studies()
                  .listStudies(vernier.v1.ListStudiesRequest.getDefaultInstance())
                  .getStudiesList())
          .extracting(Study::getName)
          .containsExactly("studies/moved");
    }
  }

  /** Ten finished trials (every third failed), with reports, and one still running. */
  private static void runASmallSweep(VernierClient client) throws Exception {
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
    for (int i = 0; i < 10; i++) {
      try (ActiveTrial t = client.ask("studies/moved", "w").orElseThrow()) {
        t.report(1, Map.of("loss", i == 4 ? Double.NaN : 1.0 + i));
        if (i % 3 == 0) {
          t.fail("diverged at step 1");
        } else {
          t.succeed(Map.of("loss", 0.5 + i));
        }
      }
    }
    client.ask("studies/moved", "still-running");
  }

  private static void assertSameStudy(
      VernierClient a, String nameA, VernierClient b, String nameB) {
    Study sa = a.studies().getStudy(GetStudyRequest.newBuilder().setName(nameA).build());
    Study sb = b.studies().getStudy(GetStudyRequest.newBuilder().setName(nameB).build());
    assertThat(sb.toBuilder().setName(nameA).build()).isEqualTo(sa);
    List<Trial> ta = trials(a, nameA);
    List<Trial> tb = trials(b, nameB);
    assertThat(tb).hasSameSizeAs(ta);
    for (int i = 0; i < ta.size(); i++) {
      assertThat(tb.get(i).toBuilder().setName(ta.get(i).getName()).build()).isEqualTo(ta.get(i));
    }
  }

  private static List<Trial> trials(VernierClient client, String study) {
    ListTrialsResponse r =
        client
            .studies()
            .listTrials(
                ListTrialsRequest.newBuilder()
                    .setStudy(study)
                    .setPageSize(1000)
                    .setIncludeMeasurements(true)
                    .build());
    return r.getTrialsList();
  }
}
