package vernier.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vernier.server.storage.LocalPostgres;
import vernier.server.storage.PostgresUrl;
import vernier.v1.AskRequest;
import vernier.v1.Assignment;
import vernier.v1.CreateStudyRequest;
import vernier.v1.GetStudyRequest;
import vernier.v1.GetTrialRequest;
import vernier.v1.Measurement;
import vernier.v1.ReportRequest;
import vernier.v1.TellRequest;
import vernier.v1.Trial;

/** A server restarted on the same store keeps everything; on SQLite and on PostgreSQL. */
final class ServerRestartTest {

  @TempDir Path dir;

  @Test
  void sqlite() throws Exception {
    keepsStudiesTrialsAndMeasurements_andReplaysAsks(
        new ServerConfig("127.0.0.1", 0, -1, dir.resolve("v.db").toString(), null));
  }

  @Test
  void postgresql_withThePasswordFromAFile() throws Exception {
    Path password = Files.writeString(dir.resolve("pw"), LocalPostgres.PASSWORD + "\n");
    String url = LocalPostgres.shared().newDatabase().toString();
    keepsStudiesTrialsAndMeasurements_andReplaysAsks(
        new ServerConfig("127.0.0.1", 0, -1, url, null, password));
  }

  @Test
  void sqlite_leases() throws Exception {
    Path file = dir.resolve("v.db");
    reloadedLeasesRunFromTheirStoredExpiry(
        new ServerConfig("127.0.0.1", 0, -1, file.toString(), null),
        () -> DriverManager.getConnection("jdbc:sqlite:" + file));
  }

  @Test
  void postgresql_leases() throws Exception {
    Path password = Files.writeString(dir.resolve("pw"), LocalPostgres.PASSWORD + "\n");
    PostgresUrl url = LocalPostgres.shared().newDatabase();
    reloadedLeasesRunFromTheirStoredExpiry(
        new ServerConfig("127.0.0.1", 0, -1, url.toString(), null, password),
        () -> LocalPostgres.shared().connect(url));
  }

  interface Database {
    Connection connect() throws SQLException;
  }

  /**
   * Trial 0's worker keeps reporting; trial 1's worker died long before the restart (its stored
   * expiry is moved 100 s into the past, as if the server had been down that long). After the
   * restart trial 0 keeps its lease and trial 1 gets only the reconnect grace, not a fresh lease.
   */
  private void reloadedLeasesRunFromTheirStoredExpiry(ServerConfig config, Database db)
      throws Exception {
    Assignment alive;
    Assignment dead;
    try (TestServer t = new TestServer(config)) {
      t.studies.createStudy(
          CreateStudyRequest.newBuilder().setStudyId("s").setSpec(Specs.basic()).build());
      alive =
          t.workers.ask(AskRequest.newBuilder().setStudy("studies/s").build()).getAssignments(0);
      dead = t.workers.ask(AskRequest.newBuilder().setStudy("studies/s").build()).getAssignments(0);
      t.clock.advance(Duration.ofSeconds(40)); // past a quarter lease: the renewal is stored
      t.workers.report(heartbeat(alive));
    }
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      assertThat(
              s.executeUpdate(
                  "UPDATE trials SET lease_expires_ms = lease_expires_ms - 100000 WHERE number ="
                      + " 1"))
          .isEqualTo(1);
    }
    try (TestServer t = new TestServer(config)) {
      t.studies.getStudy(GetStudyRequest.newBuilder().setName("studies/s").build()); // loads it
      t.clock.advance(Duration.ofSeconds(11)); // past the reconnect grace
      t.workers.report(heartbeat(alive));
      StatusRuntimeException e =
          catchThrowableOfType(
              () -> t.workers.report(heartbeat(dead)), StatusRuntimeException.class);
      assertThat(e).as("the dead worker's lease is not renewed by the restart").isNotNull();
      assertThat(TestServer.reason(e)).isEqualTo("LEASE_EXPIRED");

      t.clock.advance(Duration.ofSeconds(55)); // alive's lease was renewed at the report above
      t.workers.report(heartbeat(alive));
    }
  }

  private static ReportRequest heartbeat(Assignment a) {
    return ReportRequest.newBuilder()
        .setTrial(a.getTrial().getName())
        .setLeaseId(a.getLeaseId())
        .build();
  }

  private static void keepsStudiesTrialsAndMeasurements_andReplaysAsks(ServerConfig config) {
    Assignment a;
    Trial told;
    AskRequest ask = AskRequest.newBuilder().setStudy("studies/s").setRequestId("once").build();
    try (TestServer t = new TestServer(config)) {
      t.studies.createStudy(
          CreateStudyRequest.newBuilder().setStudyId("s").setSpec(Specs.basic()).build());
      Assignment first =
          t.workers.ask(AskRequest.newBuilder().setStudy("studies/s").build()).getAssignments(0);
      t.workers.report(
          ReportRequest.newBuilder()
              .setTrial(first.getTrial().getName())
              .setLeaseId(first.getLeaseId())
              .addMeasurements(Measurement.newBuilder().setStep(3).putMetrics("loss", 0.4))
              .build());
      told =
          t.workers
              .tell(
                  TellRequest.newBuilder()
                      .setTrial(first.getTrial().getName())
                      .setLeaseId(first.getLeaseId())
                      .setSucceeded(TellRequest.Succeeded.newBuilder().putValues("loss", 0.3))
                      .build())
              .getTrial();
      a = t.workers.ask(ask).getAssignments(0);
    }
    try (TestServer t = new TestServer(config)) {
      Trial reloaded =
          t.studies.getTrial(GetTrialRequest.newBuilder().setName(told.getName()).build());
      assertThat(reloaded.toBuilder().clearMeasurements().build()).isEqualTo(told);
      assertThat(reloaded.getMeasurements(0).getMetricsMap()).containsEntry("loss", 0.4);
      assertThat(t.workers.ask(ask).getAssignments(0).getLeaseId()).isEqualTo(a.getLeaseId());
      // the running trial keeps its lease across the restart
      Trial done =
          t.workers
              .tell(
                  TellRequest.newBuilder()
                      .setTrial(a.getTrial().getName())
                      .setLeaseId(a.getLeaseId())
                      .setSucceeded(TellRequest.Succeeded.newBuilder().putValues("loss", 0.2))
                      .build())
              .getTrial();
      assertThat(done.getState()).isEqualTo(Trial.State.SUCCEEDED);
      assertThat(
              t.workers
                  .ask(AskRequest.newBuilder().setStudy("studies/s").build())
                  .getAssignments(0)
                  .getTrial()
                  .getNumber())
          .isEqualTo(2);
      assertThat(
              t.studies
                  .getStudy(GetStudyRequest.newBuilder().setName("studies/s").build())
                  .getTrialCounts()
                  .getSucceeded())
          .isEqualTo(2);
    }
  }
}
