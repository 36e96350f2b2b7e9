package vernier.server;

import com.google.inject.Guice;
import com.google.inject.util.Modules;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.protobuf.StatusProto;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import vernier.v1.StudyServiceGrpc;
import vernier.v1.WorkerServiceGrpc;

/**
 * A real server on the in-process transport with real stubs, a settable clock and a chosen store.
 */
final class TestServer implements AutoCloseable {

  final MutableClock clock = new MutableClock();
  final VernierServer server;
  final ManagedChannel channel;
  final StudyServiceGrpc.StudyServiceBlockingStub studies;
  final WorkerServiceGrpc.WorkerServiceBlockingStub workers;

  TestServer(ServerConfig config) {
    String name = "vernier-test-" + UUID.randomUUID();
    server =
        Guice.createInjector(
                Modules.override(new ServerModule(config))
                    .with(binder -> binder.bind(Clock.class).toInstance(clock)))
            .getInstance(VernierServer.class)
            .startInProcess(name);
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    studies = StudyServiceGrpc.newBlockingStub(channel);
    workers = WorkerServiceGrpc.newBlockingStub(channel);
  }

  static TestServer inMemory() {
    return new TestServer(ServerConfig.inMemory());
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.close();
  }

  /** A clock tests move by hand, so lease expiry needs no sleeping. */
  static final class MutableClock extends Clock {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** The ErrorInfo reason of a gRPC error. */
  static String reason(StatusRuntimeException e) {
    return StatusProto.fromThrowable(e).getDetailsList().stream()
        .filter(a -> a.is(ErrorInfo.class))
        .map(a -> unpack(a, ErrorInfo.class).getReason())
        .findFirst()
        .orElse("");
  }

  /** The BadRequest field paths of a gRPC error. */
  static List<String> fields(StatusRuntimeException e) {
    return StatusProto.fromThrowable(e).getDetailsList().stream()
        .filter(a -> a.is(BadRequest.class))
        .flatMap(a -> unpack(a, BadRequest.class).getFieldViolationsList().stream())
        .map(BadRequest.FieldViolation::getField)
        .toList();
  }

  static Status.Code code(StatusRuntimeException e) {
    return e.getStatus().getCode();
  }

  private static <T extends com.google.protobuf.Message> T unpack(
      com.google.protobuf.Any any, Class<T> type) {
    try {
      return any.unpack(type);
    } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
      throw new IllegalStateException(ex);
    }
  }
}
