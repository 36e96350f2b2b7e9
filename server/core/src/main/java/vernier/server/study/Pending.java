package vernier.server.study;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * A request in a study's mailbox and its answer. Most are answered when their batch commits; an ask
 * parked for the sampler is answered by a later batch (the one that serves it).
 */
final class Pending<T> {

  /** A command run on the study's thread; throws {@link vernier.server.ApiException} to refuse. */
  @FunctionalInterface
  interface Command<T> {
    T run(Changes changes);
  }

  private final Command<T> command;

  /** When the command arrived: a heartbeat that arrived in time counts, however long it queued. */
  final Instant received;

  final CompletableFuture<T> future = new CompletableFuture<>();
  private T result;
  private RuntimeException error;

  /** Waiting for the sampler: not answered with its batch. */
  private boolean parked;

  Pending(Command<T> command, Instant received) {
    this.command = command;
    this.received = received;
  }

  void run(Changes changes) {
    result = command.run(changes);
  }

  void park() {
    parked = true;
  }

  boolean parked() {
    return parked;
  }

  /** The answer of a parked request, sent when the batch that served it commits. */
  void answer(T answer) {
    parked = false;
    result = answer;
    error = null;
  }

  void fail(RuntimeException e) {
    parked = false;
    error = e;
  }

  void complete() {
    if (error != null) {
      future.completeExceptionally(error);
    } else {
      future.complete(result);
    }
  }
}
