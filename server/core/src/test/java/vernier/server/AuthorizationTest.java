package vernier.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vernier.server.auth.Principal;
import vernier.server.auth.Role;
import vernier.server.auth.TokenFile;
import vernier.v1.AskRequest;
import vernier.v1.CreateStudyRequest;
import vernier.v1.DeleteStudyRequest;
import vernier.v1.EnqueueTrialsRequest;
import vernier.v1.ExportStudyRequest;
import vernier.v1.ExportedStudy;
import vernier.v1.GetStudyRequest;
import vernier.v1.GetTrialRequest;
import vernier.v1.ImportTrialsRequest;
import vernier.v1.ListBestTrialsRequest;
import vernier.v1.ListStudiesRequest;
import vernier.v1.ListTrialsRequest;
import vernier.v1.ReportRequest;
import vernier.v1.SetStudyStateRequest;
import vernier.v1.Study;
import vernier.v1.StudyRecord;
import vernier.v1.StudyServiceGrpc;
import vernier.v1.TellRequest;
import vernier.v1.WatchStudyRequest;
import vernier.v1.WorkerServiceGrpc;

/**
 * The allow/deny matrix: every RPC × every kind of caller (no token, an unknown token, each role,
 * limited to team-a- or not) × a study of its own tenant and one of another. The role each RPC
 * needs is written out here from the specification, independently of the server's table, and the
 * test fails when an RPC is added without a place in it. Also: ListStudies shows a tenant only its
 * own studies, and the HTTP routes ask for the same tokens (health stays open).
 */
final class AuthorizationTest {

  @TempDir static Path dir;

  private static VernierServer server;
  private static ManagedChannel channel;
  private static final Map<String, String> TOKENS = new HashMap<>();
  private static int created;

  /** What each RPC needs, from the specification (issue "Safe to share", item 2). */
  private static final Map<String, Role> NEEDS =
      Map.ofEntries(
          Map.entry("CreateStudy", Role.ADMIN),
          Map.entry("GetStudy", Role.VIEWER),
          Map.entry("ListStudies", Role.VIEWER),
          Map.entry("SetStudyState", Role.ADMIN),
          Map.entry("DeleteStudy", Role.ADMIN),
          Map.entry("EnqueueTrials", Role.ADMIN),
          Map.entry("ImportTrials", Role.ADMIN),
          Map.entry("GetTrial", Role.VIEWER),
          Map.entry("ListTrials", Role.VIEWER),
          Map.entry("ListBestTrials", Role.VIEWER),
          Map.entry("WatchStudy", Role.VIEWER),
          Map.entry("ExportStudy", Role.ADMIN),
          Map.entry("RestoreStudy", Role.ADMIN),
          Map.entry("Ask", Role.WORKER),
          Map.entry("Report", Role.WORKER),
          Map.entry("Tell", Role.WORKER));

  /** The RPCs that make the study they name (an outsider is refused, not told "not found"). */
  private static final List<String> CREATES = List.of("CreateStudy", "RestoreStudy");

  /** A caller: its token (null: none) and who it is (null: not a known token). */
  record Caller(String label, String token, Principal principal) {}

  @BeforeAll
  static void start() throws Exception {
    Path file = dir.resolve("tokens.yaml");
    for (Principal p :
        List.of(
            new Principal("root", Role.ADMIN, List.of()),
            new Principal("admin-a", Role.ADMIN, List.of("team-a-")),
            new Principal("worker-a", Role.WORKER, List.of("team-a-")),
            new Principal("viewer-a", Role.VIEWER, List.of("team-a-")),
            new Principal("prometheus", Role.METRICS, List.of()))) {
      TOKENS.put(p.name(), TokenFile.create(file, p));
    }
    server =
        VernierServer.create(
                new ServerConfig(
                    "127.0.0.1", 0, 0, ServerConfig.MEMORY, null, null, null, null, null, file))
            .start();
    channel =
        io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forAddress(
                "127.0.0.1", server.grpcPort())
            .usePlaintext()
            .build();
    for (String study : List.of("team-a-s", "team-b-s")) {
      recreate(study);
    }
  }

  @AfterAll
  static void stop() {
    channel.shutdownNow();
    server.close();
  }

  /** (Re)creates a study with one running trial, as root. */
  private static void recreate(String study) {
    StudyServiceGrpc.StudyServiceBlockingStub studies = studies(TOKENS.get("root"));
    studies.createStudy(
        CreateStudyRequest.newBuilder().setStudyId(study).setSpec(Specs.basic()).build());
    workers(TOKENS.get("root")).ask(AskRequest.newBuilder().setStudy("studies/" + study).build());
  }

  private static Metadata headers(String token) {
    Metadata m = new Metadata();
    if (token != null) {
      m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    }
    return m;
  }

  private static StudyServiceGrpc.StudyServiceBlockingStub studies(String token) {
    return StudyServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers(token)))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static WorkerServiceGrpc.WorkerServiceBlockingStub workers(String token) {
    return WorkerServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers(token)));
  }

  private static List<Caller> callers() {
    List<Caller> out = new ArrayList<>();
    out.add(new Caller("no token", null, null));
    out.add(new Caller("unknown token", "vnr_not-a-token-of-this-server", null));
    for (String name : List.of("root", "admin-a", "worker-a", "viewer-a", "prometheus")) {
      out.add(new Caller(name, TOKENS.get(name), principal(name)));
    }
    return out;
  }

  private static Principal principal(String name) {
    return switch (name) {
      case "root" -> new Principal(name, Role.ADMIN, List.of());
      case "admin-a" -> new Principal(name, Role.ADMIN, List.of("team-a-"));
      case "worker-a" -> new Principal(name, Role.WORKER, List.of("team-a-"));
      case "viewer-a" -> new Principal(name, Role.VIEWER, List.of("team-a-"));
      default -> new Principal(name, Role.METRICS, List.of());
    };
  }

  /** Calls {@code rpc} on {@code study} as {@code token}; the status code it ends with. */
  private static Status.Code call(String rpc, String token, String study) {
    String name = "studies/" + study;
    String trial = name + "/trials/0";
    StudyServiceGrpc.StudyServiceBlockingStub s = studies(token);
    WorkerServiceGrpc.WorkerServiceBlockingStub w = workers(token);
    try {
      switch (rpc) {
        case "CreateStudy" ->
            s.createStudy(
                CreateStudyRequest.newBuilder()
                    .setStudyId(study + "-new-" + created++)
                    .setSpec(Specs.basic())
                    .build());
        case "GetStudy" -> s.getStudy(GetStudyRequest.newBuilder().setName(name).build());
        case "ListStudies" -> s.listStudies(ListStudiesRequest.getDefaultInstance());
        case "SetStudyState" ->
            s.setStudyState(
                SetStudyStateRequest.newBuilder()
                    .setName(name)
                    .setState(Study.State.ACTIVE)
                    .build());
        case "DeleteStudy" -> {
          s.deleteStudy(DeleteStudyRequest.newBuilder().setName(name).build());
          recreate(study); // it did delete: put it back for the next caller
        }
        case "EnqueueTrials" ->
            s.enqueueTrials(EnqueueTrialsRequest.newBuilder().setStudy(name).build());
        case "ImportTrials" ->
            s.importTrials(ImportTrialsRequest.newBuilder().setStudy(name).build());
        case "GetTrial" -> s.getTrial(GetTrialRequest.newBuilder().setName(trial).build());
        case "ListTrials" -> s.listTrials(ListTrialsRequest.newBuilder().setStudy(name).build());
        case "ListBestTrials" ->
            s.listBestTrials(ListBestTrialsRequest.newBuilder().setStudy(name).build());
        case "WatchStudy" ->
            s.withDeadlineAfter(2, TimeUnit.SECONDS)
                .watchStudy(WatchStudyRequest.newBuilder().setStudy(name).build())
                .next(); // the first snapshot event
        case "ExportStudy" ->
            s.exportStudy(ExportStudyRequest.newBuilder().setName(name).build())
                .forEachRemaining(r -> {});
        case "RestoreStudy" -> restore(token, study + "-restored-" + created++);
        case "Ask" -> w.ask(AskRequest.newBuilder().setStudy(name).build());
        case "Report" ->
            w.report(
                ReportRequest.newBuilder().setTrial(trial).setLeaseId("not-the-lease").build());
        case "Tell" ->
            w.tell(
                TellRequest.newBuilder()
                    .setTrial(trial)
                    .setLeaseId("not-the-lease")
                    .setSucceeded(TellRequest.Succeeded.newBuilder().putValues("loss", 1))
                    .build());
        default -> throw new AssertionError("no call for " + rpc);
      }
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  private static void restore(String token, String id) {
    CompletableFuture<Study> done = new CompletableFuture<>();
    StreamObserver<StudyRecord> up =
        StudyServiceGrpc.newStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers(token)))
            .restoreStudy(
                new StreamObserver<>() {
                  @Override
                  public void onNext(Study s) {
                    done.complete(s);
                  }

                  @Override
                  public void onError(Throwable t) {
                    done.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
    up.onNext(
        StudyRecord.newBuilder()
            .setStudy(
                ExportedStudy.newBuilder()
                    .setFormatVersion(1)
                    .setStudyId(id)
                    .setSpec(Specs.basic())
                    .setState(Study.State.ACTIVE)
                    .setCreateTime(com.google.protobuf.Timestamp.newBuilder().setSeconds(1)))
            .build());
    up.onCompleted();
    try {
      done.get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw (StatusRuntimeException) e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** What the specification says {@code caller} gets for {@code rpc} on {@code study}. */
  private static Status.Code expected(String rpc, Caller caller, String study) {
    if (caller.principal() == null) {
      return Status.Code.UNAUTHENTICATED;
    }
    if (!caller.principal().role().allows(NEEDS.get(rpc))) {
      return Status.Code.PERMISSION_DENIED;
    }
    if (!rpc.equals("ListStudies") && !caller.principal().sees(study)) {
      return CREATES.contains(rpc) ? Status.Code.PERMISSION_DENIED : Status.Code.NOT_FOUND;
    }
    return null; // allowed: anything but a refusal
  }

  @Test
  void everyRpc_isInTheMatrix() {
    List<String> rpcs =
        Stream.concat(
                StudyServiceGrpc.getServiceDescriptor().getMethods().stream(),
                WorkerServiceGrpc.getServiceDescriptor().getMethods().stream())
            .map(m -> ((MethodDescriptor<?, ?>) m).getBareMethodName())
            .toList();
    assertThat(NEEDS.keySet()).containsExactlyInAnyOrderElementsOf(rpcs);
  }

  @Test
  void everyRpc_everyCaller_bothTenants_asSpecified() {
    List<String> wrong = new ArrayList<>();
    int cases = 0;
    for (String rpc : NEEDS.keySet().stream().sorted().toList()) {
      for (Caller caller : callers()) {
        for (String study : List.of("team-a-s", "team-b-s")) {
          cases++;
          Status.Code got = call(rpc, caller.token(), study);
          Status.Code want = expected(rpc, caller, study);
          boolean ok =
              want == null
                  ? got != Status.Code.UNAUTHENTICATED
                      && got != Status.Code.PERMISSION_DENIED
                      && got != Status.Code.NOT_FOUND
                  : got == want;
          if (!ok) {
            wrong.add(
                rpc
                    + " by "
                    + caller.label()
                    + " on "
                    + study
                    + ": "
                    + got
                    + ", expected "
                    + (want == null ? "allowed" : want));
          }
        }
      }
    }
    assertThat(cases).isEqualTo(NEEDS.size() * 7 * 2);
    assertThat(wrong).isEmpty();
  }

  @Test
  void aTenant_listsOnlyItsOwnStudies_andCannotTellOthersExist() {
    assertThat(
            studies(TOKENS.get("viewer-a"))
                .listStudies(ListStudiesRequest.getDefaultInstance())
                .getStudiesList())
        .extracting(Study::getName)
        .allMatch(n -> n.startsWith("studies/team-a-"))
        .contains("studies/team-a-s");
    assertThat(
            studies(TOKENS.get("root"))
                .listStudies(ListStudiesRequest.getDefaultInstance())
                .getStudiesList())
        .extracting(Study::getName)
        .contains("studies/team-a-s", "studies/team-b-s");
    // an existing study of another tenant reads exactly like one that does not exist
    StatusRuntimeException existing =
        refusal(
            () ->
                studies(TOKENS.get("viewer-a"))
                    .getStudy(GetStudyRequest.newBuilder().setName("studies/team-b-s").build()));
    StatusRuntimeException missing =
        refusal(
            () ->
                studies(TOKENS.get("root"))
                    .getStudy(GetStudyRequest.newBuilder().setName("studies/team-b-nope").build()));
    assertThat(existing.getStatus().getCode()).isEqualTo(missing.getStatus().getCode());
    assertThat(existing.getStatus().getDescription())
        .isEqualTo(missing.getStatus().getDescription().replace("team-b-nope", "team-b-s"));
  }

  private static StatusRuntimeException refusal(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("not refused");
  }

  @Test
  void httpRoutes_askForTheSameTokens_andHealthStaysOpen() throws Exception {
    BiFunction<String, String, Integer> get =
        (path, token) -> {
          HttpRequest.Builder r =
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path));
          if (token != null) {
            r.header("Authorization", "Bearer " + token);
          }
          try {
            return HttpClient.newHttpClient()
                .send(r.build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        };
    assertThat(get.apply("/healthz", null)).isEqualTo(200);
    assertThat(get.apply("/readyz", null)).isEqualTo(200);
    assertThat(get.apply("/metrics", null)).isEqualTo(401);
    assertThat(get.apply("/metrics", "vnr_wrong")).isEqualTo(401);
    assertThat(get.apply("/metrics", TOKENS.get("prometheus"))).isEqualTo(200);
    assertThat(get.apply("/metrics", TOKENS.get("viewer-a"))).isEqualTo(200);
    assertThat(get.apply("/", TOKENS.get("prometheus"))).isEqualTo(403);
    assertThat(get.apply("/", TOKENS.get("viewer-a"))).isEqualTo(200);
  }

  @Test
  void anAskReplay_returnsTheOriginalTrialOnlyToTheSameTokenAndWorker() throws Exception {
    String other =
        TokenFile.create(
            dir.resolve("tokens.yaml"),
            new Principal("worker-a2", Role.WORKER, List.of("team-a-")));
    AskRequest ask =
        AskRequest.newBuilder()
            .setStudy("studies/team-a-s")
            .setWorkerId("gpu-0")
            .setRequestId("gpu-0-17")
            .build();
    var first = workers(TOKENS.get("worker-a")).ask(ask).getAssignments(0);
    assertThat(first.getTrial().getWorkerId()).isEqualTo("worker-a/gpu-0");
    assertThat(workers(TOKENS.get("worker-a")).ask(ask).getAssignments(0).getLeaseId())
        .as("the same caller's replay")
        .isEqualTo(first.getLeaseId());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (call("GetStudy", other, "team-a-s") == Status.Code.UNAUTHENTICATED) {
      assertThat(System.nanoTime()).isLessThan(deadline); // the new token is read
      Thread.sleep(200);
    }
    var guessed = workers(other).ask(ask).getAssignments(0);
    assertThat(guessed.getLeaseId()).as("another token's guess").isNotEqualTo(first.getLeaseId());
    assertThat(guessed.getTrial().getNumber()).isNotEqualTo(first.getTrial().getNumber());
  }

  @Test
  void aRevokedToken_isRefusedWithoutARestart() throws Exception {
    Path file = dir.resolve("tokens.yaml");
    String token = TokenFile.create(file, new Principal("temp", Role.VIEWER, List.of()));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (call("GetStudy", token, "team-a-s") == Status.Code.UNAUTHENTICATED) {
      assertThat(System.nanoTime()).as("the new token is accepted").isLessThan(deadline);
      Thread.sleep(200);
    }
    assertThat(TokenFile.revoke(file, "temp")).isTrue();
    while (call("GetStudy", token, "team-a-s") != Status.Code.UNAUTHENTICATED) {
      assertThat(System.nanoTime()).as("the revoked token is refused").isLessThan(deadline);
      Thread.sleep(200);
    }
    assertThat(Files.readString(file)).doesNotContain("temp");
  }
}
