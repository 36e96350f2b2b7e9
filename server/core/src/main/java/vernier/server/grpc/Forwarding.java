package vernier.server.grpc;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;
import vernier.server.auth.AuthInterceptor;
import vernier.server.metrics.VernierMetrics;
import vernier.server.tls.ServerTls;
import vernier.v1.StudyServiceGrpc;
import vernier.v1.WorkerServiceGrpc;

/**
 * Forwards a call for a study another replica owns to that replica, over gRPC, one hop: clients
 * need no routing, and a plain TCP load balancer in front of the replicas works. A forwarded call
 * carries {@value #HEADER}; a replica that receives one for a study it does not own either (the
 * study is moving) answers UNAVAILABLE instead of forwarding again, and the client retries.
 */
@Singleton
public final class Forwarding implements AutoCloseable {

  static final String HEADER = "vernier-forwarded";
  private static final Metadata.Key<String> FORWARDED_HEADER =
      Metadata.Key.of(HEADER, Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<Boolean> FORWARDED = Context.key(HEADER);

  /**
   * Connections per owner: a replica serves each connection's calls on one event-loop thread, so
   * one connection would funnel everything forwarded from here through one thread there.
   */
  private static final int CONNECTIONS_PER_OWNER = 4;

  private final ConcurrentHashMap<String, List<ManagedChannel>> channels =
      new ConcurrentHashMap<>();
  private final AtomicInteger next = new AtomicInteger();
  private final ClientInterceptor mark;

  /** TLS to the other replicas when this one serves TLS (they share a configuration); else null. */
  private final ChannelCredentials peers;

  @Inject
  Forwarding(VernierMetrics metrics, Optional<ServerTls> tls) {
    this.mark = marking(metrics);
    this.peers = tls.map(ServerTls::peers).orElse(null);
  }

  /** One forwarding of a unary call: the call on the owner's stub. */
  @FunctionalInterface
  interface Forward<R> {
    void to(String owner, Context context, StreamObserver<R> observer);
  }

  /** Marks calls that arrive forwarded, so they are never forwarded again. */
  public ServerInterceptor interceptor() {
    return new ServerInterceptor() {
      @Override
      public <Q, A> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        if (!headers.containsKey(FORWARDED_HEADER)) {
          return next.startCall(call, headers);
        }
        return Contexts.interceptCall(
            Context.current().withValue(FORWARDED, true), call, headers, next);
      }
    };
  }

  /** Whether the call of {@code context} came from another replica. */
  static boolean forwarded(Context context) {
    return Boolean.TRUE.equals(FORWARDED.get(context));
  }

  <R> Forward<R> worker(
      Function<WorkerServiceGrpc.WorkerServiceFutureStub, ListenableFuture<R>> call) {
    return (owner, context, observer) ->
        pipe(
            owner,
            context,
            observer,
            () -> call.apply(WorkerServiceGrpc.newFutureStub(channel(owner))));
  }

  <R> Forward<R> study(
      Function<StudyServiceGrpc.StudyServiceFutureStub, ListenableFuture<R>> call) {
    return (owner, context, observer) ->
        pipe(
            owner,
            context,
            observer,
            () -> call.apply(StudyServiceGrpc.newFutureStub(channel(owner))));
  }

  /** Relays a server stream (a watch) from the owner, cancelled when the caller goes away. */
  <Q, R> void stream(
      String owner,
      Context context,
      StreamObserver<R> observer,
      java.util.function.BiConsumer<StudyServiceGrpc.StudyServiceStub, StreamObserver<R>> call) {
    context.run(
        () ->
            call.accept(
                StudyServiceGrpc.newStub(channel(owner)),
                new StreamObserver<R>() {
                  @Override
                  public void onNext(R value) {
                    observer.onNext(value);
                  }

                  @Override
                  public void onError(Throwable t) {
                    observer.onError(fromOwner(owner, t));
                  }

                  @Override
                  public void onCompleted() {
                    observer.onCompleted();
                  }
                }));
  }

  private <R> void pipe(
      String owner,
      Context context,
      StreamObserver<R> observer,
      java.util.function.Supplier<ListenableFuture<R>> call) {
    ListenableFuture<R> future;
    try {
      future = context.call(call::get); // the caller's deadline and cancellation go along
    } catch (Exception e) {
      observer.onError(fromOwner(owner, e));
      return;
    }
    Futures.addCallback(
        future,
        new FutureCallback<R>() {
          @Override
          public void onSuccess(R value) {
            observer.onNext(value);
            observer.onCompleted();
          }

          @Override
          public void onFailure(Throwable t) {
            observer.onError(fromOwner(owner, t));
          }
        },
        MoreExecutors.directExecutor());
  }

  /**
   * The owner's answer as this call's: its status and details unchanged, except that an owner that
   * cannot be reached is named (UNAVAILABLE: the client retries, and a dead owner's studies are
   * taken over once its claims expire).
   */
  private static Throwable fromOwner(String owner, Throwable t) {
    if (t instanceof StatusRuntimeException e
        && e.getStatus().getCode() == Status.Code.UNAVAILABLE
        && e.getTrailers() != null
        && !e.getTrailers().keys().contains("grpc-status-details-bin")) {
      return Status.UNAVAILABLE
          .withDescription(
              "the replica that owns this study, at "
                  + owner
                  + ", did not answer ("
                  + e.getStatus().getDescription()
                  + "); retry: another replica takes the study over once that one's claim expires")
          .asRuntimeException();
    }
    return t instanceof StatusRuntimeException ? t : Status.fromThrowable(t).asRuntimeException();
  }

  private Channel channel(String owner) {
    List<ManagedChannel> pool =
        channels.computeIfAbsent(
            owner,
            a ->
                IntStream.range(0, CONNECTIONS_PER_OWNER)
                    .mapToObj(
                        i ->
                            peers == null
                                ? NettyChannelBuilder.forTarget(a).usePlaintext().build()
                                : NettyChannelBuilder.forTarget(a, peers).build())
                    .toList());
    ManagedChannel channel = pool.get(Math.floorMod(next.getAndIncrement(), pool.size()));
    return ClientInterceptors.intercept(channel, mark);
  }

  /** Marks each forwarded call with the header, and counts it. */
  private static ClientInterceptor marking(VernierMetrics metrics) {
    return new ClientInterceptor() {
      @Override
      public <Q, A> ClientCall<Q, A> interceptCall(
          MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
        metrics.forwarded(method.getBareMethodName());
        return new ForwardingClientCall.SimpleForwardingClientCall<>(
            next.newCall(method, options)) {
          @Override
          public void start(Listener<A> listener, Metadata headers) {
            headers.put(FORWARDED_HEADER, "1");
            String authorization = AuthInterceptor.AUTHORIZATION.get();
            if (authorization != null) { // the owner checks the caller's own rights again
              headers.put(AuthInterceptor.HEADER, authorization);
            }
            super.start(listener, headers);
          }
        };
      }
    };
  }

  @Override
  public void close() {
    List<ManagedChannel> all = channels.values().stream().flatMap(List::stream).toList();
    all.forEach(ManagedChannel::shutdownNow);
    for (ManagedChannel c : all) {
      try {
        c.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
