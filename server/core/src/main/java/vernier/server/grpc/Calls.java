package vernier.server.grpc;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vernier.server.ApiException;
import vernier.server.cluster.NotOwnerException;
import vernier.server.storage.StoreException;

/** Answers a unary call from a coordinator's future: the value, or the error as a gRPC status. */
final class Calls {

  private static final Logger log = LoggerFactory.getLogger(Calls.class);

  private Calls() {}

  static <T, R> void reply(
      StreamObserver<R> observer, Supplier<CompletableFuture<T>> call, Function<T, R> toResponse) {
    reply(observer, call, toResponse, null);
  }

  /**
   * As {@link #reply(StreamObserver, Supplier, Function)}, and a call for a study another replica
   * owns ({@link NotOwnerException}) goes to that replica through {@code forward}.
   */
  static <T, R> void reply(
      StreamObserver<R> observer,
      Supplier<CompletableFuture<T>> call,
      Function<T, R> toResponse,
      Forwarding.Forward<R> forward) {
    Context context = Context.current();
    CompletableFuture<T> future;
    try {
      future = call.get();
    } catch (RuntimeException e) {
      failOrForward(observer, e, forward, context);
      return;
    }
    future.whenComplete(
        (value, error) -> {
          if (error != null) {
            failOrForward(observer, error, forward, context);
            return;
          }
          R response;
          try {
            response = toResponse.apply(value);
          } catch (RuntimeException e) {
            fail(observer, e);
            return;
          }
          observer.onNext(response);
          observer.onCompleted();
        });
  }

  private static <R> void failOrForward(
      StreamObserver<R> observer, Throwable error, Forwarding.Forward<R> forward, Context context) {
    if (unwrap(error) instanceof NotOwnerException notOwner && forward != null) {
      if (Forwarding.forwarded(context)) { // the study is moving: never a second hop
        fail(observer, notOwner);
      } else {
        forward.to(notOwner.owner(), context, observer);
      }
      return;
    }
    fail(observer, error);
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }

  static void fail(StreamObserver<?> observer, Throwable error) {
    Throwable cause = unwrap(error);
    if (cause instanceof NotOwnerException notOwner) {
      observer.onError(
          ApiException.unavailable(
                  "study "
                      + notOwner.study()
                      + " is moving between replicas (forwarded here, owned at "
                      + notOwner.owner()
                      + "); retry")
              .toStatusException());
    } else if (cause instanceof ApiException api) {
      observer.onError(api.toStatusException());
    } else if (cause instanceof StoreException store) {
      observer.onError(
          ApiException.unavailable("storage failed, retry: " + store.getMessage())
              .toStatusException());
    } else {
      log.error("unexpected failure", cause);
      observer.onError(
          Status.INTERNAL
              .withDescription(String.valueOf(cause))
              .withCause(cause)
              .asRuntimeException());
    }
  }
}
