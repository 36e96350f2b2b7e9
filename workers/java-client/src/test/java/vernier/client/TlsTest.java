package vernier.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vernier.server.ServerConfig;
import vernier.server.VernierServer;
import vernier.server.auth.Principal;
import vernier.server.auth.Role;
import vernier.server.auth.TokenFile;
import vernier.server.storage.LocalPostgres;
import vernier.server.tls.ServerTls;
import vernier.server.tls.TestCertificates.Authority;
import vernier.server.tls.TestCertificates.Issued;
import vernier.v1.CreateStudyRequest;
import vernier.v1.ListStudiesRequest;

/**
 * The client over TLS to a real server, with certificates made by a test CA: it connects when it
 * trusts the server's CA; with another CA, without or with a wrong client certificate it is refused
 * with a message that says what to change; replicas forward calls to each other over mutual TLS.
 */
final class TlsTest {

  private static final vernier.v1.StudySpec SPEC =
      vernier.v1.StudySpec.newBuilder()
          .addParameters(
              vernier.v1.ParameterSpec.newBuilder()
                  .setName("lr")
                  .setFloatDomain(vernier.v1.FloatDomain.newBuilder().setMin(1e-4).setMax(1)))
          .addObjectives(
              vernier.v1.Objective.newBuilder()
                  .setMetric("loss")
                  .setDirection(vernier.v1.Direction.MINIMIZE))
          .build();

  @TempDir Path dir;

  private VernierServer start(ServerTls.Settings tls) {
    return VernierServer.create(
            new ServerConfig("127.0.0.1", 0, 0, ServerConfig.MEMORY, null, null, null, null, tls))
        .start();
  }

  private static VernierClient client(VernierServer server, Path ca, Issued identity) {
    return VernierClient.connect(
            "127.0.0.1:" + server.grpcPort(),
            ClientTls.credentials(
                ca,
                identity == null ? null : identity.cert(),
                identity == null ? null : identity.key()))
        .retryBudget(Duration.ZERO);
  }

  private static int listStudies(VernierClient client) {
    return client.studies().listStudies(ListStudiesRequest.getDefaultInstance()).getStudiesCount();
  }

  @Test
  void aTlsServer_servesClientsThatTrustItsCa_andRefusesOthersClearly() throws Exception {
    Authority ca = Authority.create(dir, "team");
    Authority other = Authority.create(dir, "other");
    Issued cert = ca.issue("server");
    try (VernierServer server = start(new ServerTls.Settings(cert.cert(), cert.key(), null))) {
      try (VernierClient trusting = client(server, ca.certFile, null)) {
        trusting
            .studies()
            .createStudy(CreateStudyRequest.newBuilder().setStudyId("s").setSpec(SPEC).build());
        assertThat(listStudies(trusting)).isEqualTo(1);
      }

      try (VernierClient stranger = client(server, other.certFile, null)) {
        StatusRuntimeException e =
            catchThrowableOfType(() -> listStudies(stranger), StatusRuntimeException.class);
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(RetryListener.cause(e.getStatus()))
            .startsWith("TLS: the server's certificate is not signed by a CA this client trusts");
      }
      try (VernierClient plaintext =
          VernierClient.over(
                  io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forAddress(
                          "127.0.0.1", server.grpcPort())
                      .usePlaintext()
                      .build())
              .retryBudget(Duration.ZERO)) {
        assertThat(
                catchThrowableOfType(() -> listStudies(plaintext), StatusRuntimeException.class)
                    .getStatus()
                    .getCode())
            .isEqualTo(Status.Code.UNAVAILABLE);
      }
    }
  }

  @Test
  void mutualTls_acceptsOnlyClientCertificatesOfItsCa() throws Exception {
    Authority ca = Authority.create(dir, "team");
    Authority other = Authority.create(dir, "other");
    Issued cert = ca.issue("server");
    try (VernierServer server =
        start(new ServerTls.Settings(cert.cert(), cert.key(), ca.certFile))) {
      try (VernierClient alice = client(server, ca.certFile, ca.issue("alice"))) {
        assertThat(listStudies(alice)).isZero();
      }
      java.time.Instant now = java.time.Instant.now();
      Issued expired =
          ca.issue("carol", now.minus(Duration.ofDays(9)), now.minus(Duration.ofDays(1)));
      for (Issued wrong : new Issued[] {null, other.issue("mallory"), expired}) {
        try (VernierClient refused = client(server, ca.certFile, wrong)) {
          StatusRuntimeException e =
              catchThrowableOfType(() -> listStudies(refused), StatusRuntimeException.class);
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
          assertThat(RetryListener.cause(e.getStatus())).startsWith("TLS: ");
        }
      }
    }
  }

  @Test
  void replicas_forwardToEachOtherOverMutualTls_withTheCallersOwnToken() throws Exception {
    Authority ca = Authority.create(dir, "cluster");
    Path password = Files.writeString(dir.resolve("pw"), LocalPostgres.PASSWORD + "\n");
    String url = LocalPostgres.shared().newDatabase().toString();
    Path tokens = dir.resolve("tokens.yaml");
    String admin = TokenFile.create(tokens, new Principal("admin", Role.ADMIN, List.of()));
    String worker = TokenFile.create(tokens, new Principal("w", Role.WORKER, List.of()));
    String viewer = TokenFile.create(tokens, new Principal("v", Role.VIEWER, List.of()));
    try (VernierServer first = replica(url, password, ca.issue("replica-a"), ca, tokens);
        VernierServer second = replica(url, password, ca.issue("replica-b"), ca, tokens);
        VernierClient toFirst = client(first, ca.certFile, ca.issue("alice")).token(admin);
        VernierClient toSecond = client(second, ca.certFile, ca.issue("bob")).token(worker)) {
      toFirst
          .studies()
          .createStudy(CreateStudyRequest.newBuilder().setStudyId("s").setSpec(SPEC).build());
      // owned by the first replica: the second forwards the ask over mutual TLS, and the first
      // checks the caller's own token again
      try (vernier.client.ActiveTrial t = toSecond.ask("studies/s", "w").orElseThrow()) {
        assertThat(t.trial().getNumber()).isZero();
      }
      toSecond.token(viewer);
      StatusRuntimeException e =
          catchThrowableOfType(() -> toSecond.ask("studies/s", "w"), StatusRuntimeException.class);
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(
              toSecond
                  .studies()
                  .getStudy(vernier.v1.GetStudyRequest.newBuilder().setName("studies/s").build())
                  .getName())
          .as("a viewer reads through the replica that does not own the study")
          .isEqualTo("studies/s");
    }
  }

  private static VernierServer replica(
      String url, Path password, Issued cert, Authority ca, Path tokens) {
    return VernierServer.create(
            new ServerConfig(
                "127.0.0.1",
                0,
                -1,
                url,
                null,
                password,
                null,
                null,
                new ServerTls.Settings(cert.cert(), cert.key(), ca.certFile),
                tokens))
        .start();
  }
}
