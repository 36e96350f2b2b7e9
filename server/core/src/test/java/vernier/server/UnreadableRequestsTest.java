package vernier.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import vernier.v1.CreateStudyRequest;
import vernier.v1.PluginSpec;

/** Requests that do not parse are INVALID_ARGUMENT, not UNKNOWN with a stack trace. */
final class UnreadableRequestsTest {

  private final TestServer t = TestServer.inMemory();

  @AfterEach
  void close() {
    t.close();
  }

  private StatusRuntimeException send(String method, byte[] body) {
    MethodDescriptor<byte[], byte[]> raw =
        MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(method)
            .setRequestMarshaller(new Bytes())
            .setResponseMarshaller(new Bytes())
            .build();
    return catchThrowableOfType(
        StatusRuntimeException.class,
        () -> ClientCalls.blockingUnaryCall(t.channel, raw, io.grpc.CallOptions.DEFAULT, body));
  }

  @Test
  void garbageBytes_areInvalidArgument_namingTheMethod() {
    for (String method :
        new String[] {
          "vernier.v1.StudyService/CreateStudy",
          "vernier.v1.WorkerService/Ask",
          "grpc.health.v1.Health/Check"
        }) {
      StatusRuntimeException e = send(method, new byte[] {(byte) 0xff, (byte) 0xff, 0x12});
      assertThat(e.getStatus().getCode()).as(method).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(e.getStatus().getDescription())
          .startsWith("the request is not a valid message for " + method + ": ");
    }
  }

  @Test
  void aMessageNestedDeeperThanProtobufAllows_isInvalidArgument() {
    Value deep = Value.newBuilder().setNumberValue(1).build();
    for (int i = 0; i < 200; i++) {
      deep = Value.newBuilder().setStructValue(Struct.newBuilder().putFields("a", deep)).build();
    }
    CreateStudyRequest request =
        CreateStudyRequest.newBuilder()
            .setStudyId("deep")
            .setSpec(
                Specs.basic()
                    .setSampler(
                        PluginSpec.newBuilder()
                            .setName("random")
                            .setSettings(Struct.newBuilder().putFields("a", deep))))
            .build();
    StatusRuntimeException e = send("vernier.v1.StudyService/CreateStudy", request.toByteArray());
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  /** Sends and receives bytes as they are. */
  private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
