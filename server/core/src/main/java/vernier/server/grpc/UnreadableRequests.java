package vernier.server.grpc;

import io.grpc.BindableService;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a request that does not parse (garbage bytes, a message nested deeper than protobuf
 * allows) with INVALID_ARGUMENT and one log line. Left to gRPC, the parse error escapes as UNKNOWN
 * "Application error processing RPC" with a stack trace in the log for every such request.
 *
 * <p>The service receives raw messages ({@link ServerInterceptors#useInputStreamMessages}), and
 * this interceptor watches the conversion to the real request type, which happens when the message
 * is delivered: a unary handler only stores it there, so whatever fails then is the parse.
 */
public final class UnreadableRequests implements ServerInterceptor {

  private static final Logger log = LoggerFactory.getLogger(UnreadableRequests.class);

  /** {@code service} with unparseable requests answered INVALID_ARGUMENT. */
  public static ServerServiceDefinition guard(BindableService service) {
    return guard(service, List.of());
  }

  /**
   * As {@link #guard(BindableService)}, with {@code parsed} between the parsing and the service:
   * interceptors that read the request messages themselves (authorization reads the study).
   */
  public static ServerServiceDefinition guard(
      BindableService service, List<ServerInterceptor> parsed) {
    return ServerInterceptors.intercept(
        ServerInterceptors.useInputStreamMessages(
            ServerInterceptors.intercept(service.bindService(), parsed)),
        new UnreadableRequests());
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    ServerCall.Listener<Q> delegate = next.startCall(call, headers);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
      private boolean refused;

      @Override
      public void onMessage(Q message) {
        if (refused) {
          return;
        }
        try {
          super.onMessage(message);
        } catch (RuntimeException e) {
          refused = true;
          String method = call.getMethodDescriptor().getFullMethodName();
          log.warn(
              "unreadable request to {}: {}", method, Status.fromThrowable(e).getDescription());
          call.close(
              Status.INVALID_ARGUMENT.withDescription(
                  "the request is not a valid message for "
                      + method
                      + ": "
                      + Status.fromThrowable(e).getDescription()),
              new Metadata());
        }
      }

      @Override
      public void onHalfClose() {
        if (!refused) {
          super.onHalfClose();
        }
      }
    };
  }
}
