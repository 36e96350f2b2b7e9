package vernier.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * grpcurl works out of the box: the server answers health checks and lists its services by
 * reflection.
 */
final class ReflectionAndHealthTest {

  @Test
  void healthIsServing_andReflectionListsTheVernierServices() throws Exception {
    try (TestServer t = TestServer.inMemory()) {
      assertThat(
              HealthGrpc.newBlockingStub(t.channel)
                  .check(HealthCheckRequest.getDefaultInstance())
                  .getStatus())
          .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

      CompletableFuture<List<String>> services = new CompletableFuture<>();
      StreamObserver<ServerReflectionRequest> requests =
          ServerReflectionGrpc.newStub(t.channel)
              .serverReflectionInfo(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse r) {
                      services.complete(
                          r.getListServicesResponse().getServiceList().stream()
                              .map(ServiceResponse::getName)
                              .toList());
                    }

                    @Override
                    public void onError(Throwable e) {
                      services.completeExceptionally(e);
                    }

                    @Override
                    public void onCompleted() {}
                  });
      requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
      requests.onCompleted();
      assertThat(services.get(10, TimeUnit.SECONDS))
          .contains(
              "vernier.v1.StudyService",
              "vernier.v1.WorkerService",
              "grpc.health.v1.Health",
              "grpc.reflection.v1.ServerReflection",
              "grpc.reflection.v1alpha.ServerReflection");
    }
  }

  /** Older grpcurl, grpcui, Postman and Evans speak reflection v1alpha only. */
  @Test
  @SuppressWarnings("deprecation")
  void reflectionV1alphaAnswersToo() throws Exception {
    try (TestServer t = TestServer.inMemory()) {
      CompletableFuture<List<String>> services = new CompletableFuture<>();
      StreamObserver<io.grpc.reflection.v1alpha.ServerReflectionRequest> requests =
          io.grpc.reflection.v1alpha.ServerReflectionGrpc.newStub(t.channel)
              .serverReflectionInfo(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(io.grpc.reflection.v1alpha.ServerReflectionResponse r) {
                      services.complete(
                          r.getListServicesResponse().getServiceList().stream()
                              .map(io.grpc.reflection.v1alpha.ServiceResponse::getName)
                              .toList());
                    }

                    @Override
                    public void onError(Throwable e) {
                      services.completeExceptionally(e);
                    }

                    @Override
                    public void onCompleted() {}
                  });
      requests.onNext(
          io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder()
              .setListServices("")
              .build());
      requests.onCompleted();
      assertThat(services.get(10, TimeUnit.SECONDS))
          .contains("vernier.v1.StudyService", "vernier.v1.WorkerService");
    }
  }
}
