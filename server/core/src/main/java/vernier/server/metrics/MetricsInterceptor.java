package vernier.server.metrics;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/** Records every RPC's latency and status code in {@link VernierMetrics}. */
public final class MetricsInterceptor implements ServerInterceptor {

  private final VernierMetrics metrics;

  public MetricsInterceptor(VernierMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    long start = System.nanoTime();
    String method = call.getMethodDescriptor().getBareMethodName();
    return next.startCall(
        new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            metrics.rpc(method, status.getCode().name(), System.nanoTime() - start);
            super.close(status, trailers);
          }
        },
        headers);
  }
}
