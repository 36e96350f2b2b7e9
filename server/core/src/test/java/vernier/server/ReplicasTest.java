package vernier.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vernier.server.storage.LocalPostgres;
import vernier.server.storage.PostgresUrl;
import vernier.v1.AskRequest;
import vernier.v1.Assignment;
import vernier.v1.CreateStudyRequest;
import vernier.v1.GetStudyRequest;
import vernier.v1.ListStudiesRequest;
import vernier.v1.Measurement;
import vernier.v1.PluginSpec;
import vernier.v1.ReportRequest;
import vernier.v1.Study;
import vernier.v1.StudyServiceGrpc;
import vernier.v1.TellRequest;
import vernier.v1.Trial;
import vernier.v1.TrialEvent;
import vernier.v1.WatchStudyRequest;
import vernier.v1.WorkerServiceGrpc;

/**
 * Two replicas (real servers on real ports) on one PostgreSQL database: a study is served by the
 * replica that claimed it, calls through the other are forwarded to it, and a replica whose claim
 * was taken over can no longer write (fencing).
 */
final class ReplicasTest {

  @TempDir Path dir;

  private final List<AutoCloseable> open = new ArrayList<>();
  private PostgresUrl url;

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private Replica replica(Duration ttl) throws Exception {
    if (url == null) {
      url = LocalPostgres.shared().newDatabase();
    }
    Path password = Files.writeString(dir.resolve("pw"), LocalPostgres.PASSWORD);
    VernierServer server =
        VernierServer.create(
                new ServerConfig("127.0.0.1", 0, 0, url.toString(), null, password, null, ttl))
            .start();
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
    Replica r = new Replica(server, channel);
    open.add(r);
    return r;
  }

  private record Replica(VernierServer server, ManagedChannel channel) implements AutoCloseable {
    StudyServiceGrpc.StudyServiceBlockingStub studies() {
      return StudyServiceGrpc.newBlockingStub(channel);
    }

    WorkerServiceGrpc.WorkerServiceBlockingStub workers() {
      return WorkerServiceGrpc.newBlockingStub(channel);
    }

    /** This replica's Prometheus page. */
    String metrics() throws Exception {
      return java.net.http.HttpClient.newHttpClient()
          .send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create("http://127.0.0.1:" + server.httpPort() + "/metrics"))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString())
          .body();
    }

    @Override
    public void close() {
      channel.shutdownNow();
      server.close();
    }
  }

  private static CreateStudyRequest create(String id) {
    return CreateStudyRequest.newBuilder()
        .setStudyId(id)
        .setSpec(Specs.basic().setSampler(PluginSpec.newBuilder().setName("random")))
        .build();
  }

  private static Trial sweepOne(WorkerServiceGrpc.WorkerServiceBlockingStub workers, double loss) {
    Assignment a =
        workers.ask(AskRequest.newBuilder().setStudy("studies/s").build()).getAssignments(0);
    workers.report(
        ReportRequest.newBuilder()
            .setTrial(a.getTrial().getName())
            .setLeaseId(a.getLeaseId())
            .addMeasurements(Measurement.newBuilder().setStep(1).putMetrics("loss", loss + 1))
            .build());
    return workers
        .tell(
            TellRequest.newBuilder()
                .setTrial(a.getTrial().getName())
                .setLeaseId(a.getLeaseId())
                .setSucceeded(TellRequest.Succeeded.newBuilder().putValues("loss", loss))
                .build())
        .getTrial();
  }

  @Test
  void callsThroughAnyReplica_reachTheOwner() throws Exception {
    Replica a = replica(Duration.ofSeconds(5));
    Replica b = replica(Duration.ofSeconds(5));
    a.studies().createStudy(create("s")); // a created it: a owns it
    for (int i = 0; i < 5; i++) {
      assertThat(sweepOne(b.workers(), i).getNumber()).isEqualTo(i); // forwarded to a
    }
    Iterator<TrialEvent> watch =
        b.studies().watchStudy(WatchStudyRequest.newBuilder().setStudy("studies/s").build());
    assertThat(watch.next().getKind()).isEqualTo(TrialEvent.Kind.SNAPSHOT); // relayed from a
    Study viaB = b.studies().getStudy(GetStudyRequest.newBuilder().setName("studies/s").build());
    Study viaA = a.studies().getStudy(GetStudyRequest.newBuilder().setName("studies/s").build());
    assertThat(viaB).isEqualTo(viaA);
    assertThat(viaB.getTrialCounts().getSucceeded()).isEqualTo(5);
    assertThat(b.studies().listStudies(ListStudiesRequest.getDefaultInstance()).getStudiesList())
        .containsExactly(viaA);
    assertThat(owner("s")).isEqualTo("127.0.0.1:" + a.server().grpcPort());
    // a second create through b is the same study (forwarded, idempotent)
    assertThat(b.studies().createStudy(create("s")).getName()).isEqualTo("studies/s");
    // per-study series come from the owner only; b counts what it forwarded
    assertThat(a.metrics()).contains("vernier_studies_served 1.0").contains("study=\"s\"");
    assertThat(b.metrics())
        .contains("vernier_studies_served 0.0")
        .contains("vernier_forwarded_calls_total{method=\"Ask\"} 5.0")
        .contains("vernier_forwarded_calls_total{method=\"Tell\"} 5.0")
        .doesNotContain("study=\"s\"");
  }

  @Test
  void aTakenOverStudy_cannotBeWrittenByItsExOwner_andItsCallsGoToTheNewOwner() throws Exception {
    Replica a = replica(Duration.ofMinutes(10)); // renews rarely: a stays unaware, as if paused
    Replica b = replica(Duration.ofSeconds(5));
    a.studies().createStudy(create("s"));
    sweepOne(a.workers(), 0.5);
    long before = epoch("s");
    expireClaims(); // a's claim runs out while a is "paused"
    Trial viaB = sweepOne(b.workers(), 0.25); // b takes the study over (epoch 2) and serves it
    assertThat(viaB.getNumber()).isEqualTo(1);
    assertThat(owner("s")).isEqualTo("127.0.0.1:" + b.server().grpcPort());
    // a wakes up and still believes it owns s: its write is refused by the epoch check
    assertThatThrownBy(
            () ->
                a.workers()
                    .ask(AskRequest.newBuilder().setStudy("studies/s").setWorkerId("late").build()))
        .isInstanceOf(StatusRuntimeException.class)
        .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
        .isEqualTo(Status.Code.UNAVAILABLE);
    // having lost it, a forwards the retry to b
    Trial retried = sweepOne(a.workers(), 0.125);
    assertThat(retried.getNumber()).isEqualTo(2);
    Study s = b.studies().getStudy(GetStudyRequest.newBuilder().setName("studies/s").build());
    assertThat(s.getTrialCounts().getSucceeded()).isEqualTo(3);
    assertThat(epoch("s")).isEqualTo(before + 1); // b's takeover, and nothing since
    assertThat(a.metrics()).contains("vernier_studies_moved_total 1.0");
    assertThat(b.metrics()).contains("vernier_studies_served 1.0");
  }

  private void expireClaims() throws Exception {
    try (Connection c = LocalPostgres.shared().connect(url);
        Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE study_owners SET expires_at = now() - interval '1 second'");
    }
  }

  private String owner(String study) throws Exception {
    return ownerColumn(study, "address");
  }

  private long epoch(String study) throws Exception {
    return Long.parseLong(ownerColumn(study, "epoch"));
  }

  private String ownerColumn(String study, String column) throws Exception {
    try (Connection c = LocalPostgres.shared().connect(url);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT " + column + " FROM study_owners WHERE study_id = '" + study + "'")) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }
}
