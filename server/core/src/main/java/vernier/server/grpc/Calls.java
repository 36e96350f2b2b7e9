package vernier.server.grpc;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vernier.server.ApiException;
import vernier.server.storage.StoreException;

/** Answers a unary call from a coordinator's future: the value, or the error as a gRPC status. */
final class Calls {

  private static final Logger log = LoggerFactory.getLogger(Calls.class);

  private Calls() {}

  static <T, R> void reply(
      StreamObserver<R> observer, Supplier<CompletableFuture<T>> call, Function<T, R> toResponse) {
    CompletableFuture<T> future;
    try {
      future = call.get();
    } catch (RuntimeException e) {
      fail(observer, e);
      return;
    }
    future.whenComplete(
        (value, error) -> {
          if (error != null) {
            fail(observer, error);
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

  static void fail(StreamObserver<?> observer, Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof ApiException api) {
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
