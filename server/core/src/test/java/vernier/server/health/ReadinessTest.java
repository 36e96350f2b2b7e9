package vernier.server.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import vernier.server.storage.MemoryStore;
import vernier.server.storage.StoreException;
import vernier.server.storage.StoredStudy;
import vernier.server.storage.StudyData;
import vernier.server.storage.Write;

/** Readiness follows the server's phase and the store's ability to commit; gRPC health agrees. */
final class ReadinessTest {

  private final BreakableStore store = new BreakableStore();
  private final Readiness readiness =
      new Readiness(store, new Readiness.Timing(Duration.ofMillis(50), Duration.ofMillis(300)));
  private final String name = "readiness-" + UUID.randomUUID();
  private final Server grpc;
  private final ManagedChannel channel;

  ReadinessTest() throws Exception {
    grpc =
        InProcessServerBuilder.forName(name)
            .addService(readiness.grpcHealthService())
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() {
    readiness.close();
    channel.shutdownNow();
    grpc.shutdownNow();
  }

  @Test
  void notReadyWhileStarting_readyWhenServing_notReadyWhileDraining() {
    readiness.startProbing();
    assertThat(readiness.ready()).isFalse();
    assertThat(readiness.readinessChecks())
        .contains(new Readiness.Check("serving", "starting: loading studies"));
    assertThat(grpcStatus("")).isEqualTo(ServingStatus.NOT_SERVING);
    assertThat(readiness.live()).isTrue();

    readiness.serving();
    await().atMost(Duration.ofSeconds(5)).until(readiness::ready);
    assertThat(grpcStatus("")).isEqualTo(ServingStatus.SERVING);
    assertThat(grpcStatus("vernier.v1.WorkerService")).isEqualTo(ServingStatus.SERVING);

    readiness.draining();
    assertThat(readiness.ready()).isFalse();
    assertThat(readiness.live()).isTrue();
    assertThat(grpcStatus("vernier.v1.StudyService")).isEqualTo(ServingStatus.NOT_SERVING);

    readiness.stopped();
    assertThat(readiness.live()).isFalse();
  }

  @Test
  void notReadyWhileTheStoreCannotCommit_andReadyAgainWhenItCan() {
    readiness.startProbing();
    readiness.serving();
    await().atMost(Duration.ofSeconds(5)).until(readiness::ready);

    store.failure = "disk I/O error";
    await().atMost(Duration.ofSeconds(5)).until(() -> !readiness.ready());
    assertThat(readiness.readinessChecks().get(1).problem())
        .isEqualTo("cannot commit: disk I/O error (breakable test store)");
    await().atMost(Duration.ofSeconds(5)).until(() -> grpcStatus("") == ServingStatus.NOT_SERVING);
    assertThat(readiness.live()).as("a store problem is no reason to restart the process").isTrue();

    store.failure = null;
    await().atMost(Duration.ofSeconds(5)).until(readiness::ready);
    await().atMost(Duration.ofSeconds(5)).until(() -> grpcStatus("") == ServingStatus.SERVING);
  }

  @Test
  void aProbeThatHangsCountsAsAFailureAfterTheTimeout() throws Exception {
    readiness.startProbing();
    readiness.serving();
    await().atMost(Duration.ofSeconds(5)).until(readiness::ready);

    store.hang = new CountDownLatch(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> !readiness.ready());
    assertThat(readiness.readinessChecks().get(1).problem()).startsWith("no commit for ");
    await().atMost(Duration.ofSeconds(5)).until(() -> grpcStatus("") == ServingStatus.NOT_SERVING);

    store.hang.countDown();
    store.hang = null;
    await().atMost(Duration.ofSeconds(5)).until(readiness::ready);
  }

  private ServingStatus grpcStatus(String service) {
    return HealthGrpc.newBlockingStub(channel)
        .check(HealthCheckRequest.newBuilder().setService(service).build())
        .getStatus();
  }

  /**
   * A store whose commits can be made to fail or hang, as a full or stuck disk would; everything
   * else is the real {@link MemoryStore}.
   */
  private static final class BreakableStore implements vernier.server.storage.Store {
    private final MemoryStore memory = new MemoryStore();
    volatile String failure;
    volatile CountDownLatch hang;

    @Override
    public void probe() {
      CountDownLatch h = hang;
      if (h != null) {
        try {
          h.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (failure != null) {
        throw new StoreException(failure);
      }
      memory.probe();
    }

    @Override
    public boolean createStudy(StoredStudy study) {
      return memory.createStudy(study);
    }

    @Override
    public boolean restoreStudy(StudyData study) {
      return memory.restoreStudy(study);
    }

    @Override
    public List<StoredStudy> listStudies() {
      return memory.listStudies();
    }

    @Override
    public Optional<StudyData> loadStudy(String id) {
      return memory.loadStudy(id);
    }

    @Override
    public void write(List<Write> writes) {
      memory.write(writes);
    }

    @Override
    public String describe() {
      return "breakable test store";
    }

    @Override
    public void close() {
      memory.close();
    }
  }
}
