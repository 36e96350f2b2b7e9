package vernier.server.study;

import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import vernier.server.ApiException;
import vernier.v1.TrialEvent;

/**
 * The open {@code WatchStudy} streams of one study. A new watcher first gets a snapshot of every
 * trial, then the events of each committed batch; a cancelled stream is dropped at the next send.
 * Confined to the study's thread.
 */
final class Watchers {

  private final List<ServerCallStreamObserver<TrialEvent>> watching = new ArrayList<>();
  private final List<ServerCallStreamObserver<TrialEvent>> joining = new ArrayList<>();

  /** Whether anyone watches: a batch's events are only built then (newcomers get a snapshot). */
  boolean watched() {
    return !watching.isEmpty();
  }

  /** Joins after the current batch: its snapshot follows the batch's events. */
  void join(ServerCallStreamObserver<TrialEvent> observer) {
    joining.add(observer);
  }

  /** Sends a committed batch's events, then the newcomers' snapshots. */
  void publish(List<TrialEvent> events, Supplier<List<TrialEvent>> snapshot) {
    watching.removeIf(w -> !send(w, events));
    if (joining.isEmpty()) {
      return;
    }
    List<TrialEvent> trials = snapshot.get();
    for (ServerCallStreamObserver<TrialEvent> w : joining) {
      if (send(w, trials)) {
        watching.add(w);
      }
    }
    joining.clear();
  }

  /** Ends every stream with {@code error} (the study was deleted). */
  void close(ApiException error) {
    for (ServerCallStreamObserver<TrialEvent> w : watching) {
      if (!w.isCancelled()) {
        w.onError(error.toStatusException());
      }
    }
    watching.clear();
    joining.clear();
  }

  private static boolean send(ServerCallStreamObserver<TrialEvent> w, List<TrialEvent> events) {
    if (w.isCancelled()) {
      return false;
    }
    try {
      events.forEach(w::onNext);
      return true;
    } catch (RuntimeException e) {
      return false; // the call was cancelled between the check and the send
    }
  }
}
