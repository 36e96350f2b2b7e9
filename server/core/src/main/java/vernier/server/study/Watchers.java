package vernier.server.study;

import io.grpc.stub.ServerCallStreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;
import vernier.server.ApiException;
import vernier.v1.TrialEvent;

/**
 * The open {@code WatchStudy} streams of one study. A new watcher first gets a snapshot of every
 * trial, then the events of each committed batch; a cancelled stream is dropped at the next send.
 * Confined to the study's thread.
 *
 * <p>Memory stays bounded whatever a watcher does: events go to a watcher only while its stream is
 * ready (gRPC's flow control: the client reads). A watcher that stops reading skips events and,
 * once it reads again, gets a snapshot of every trial as it is then (the missed changes,
 * coalesced); one that stays behind for {@link #MAX_BEHIND} is ended with UNAVAILABLE.
 */
final class Watchers {

  /** How long a watcher may stop reading before its stream is ended. */
  static final Duration MAX_BEHIND = Duration.ofSeconds(30);

  /** One stream and whether it missed events. */
  static final class Watcher {
    final ServerCallStreamObserver<TrialEvent> call;
    volatile boolean behind;
    long behindSinceNanos;

    Watcher(ServerCallStreamObserver<TrialEvent> call) {
      this.call = call;
    }
  }

  private final List<Watcher> watching = new ArrayList<>();
  private final List<Watcher> joining = new ArrayList<>();

  /** Whether anyone watches: a batch's events are only built then (newcomers get a snapshot). */
  boolean watched() {
    return !watching.isEmpty();
  }

  /** Joins after the current batch: its snapshot follows the batch's events. */
  void join(Watcher watcher) {
    joining.add(watcher);
  }

  /**
   * Sends a committed batch's events to the watchers that read, a snapshot instead to those that
   * missed events and read again, and the newcomers' snapshots.
   */
  void publish(List<TrialEvent> events, Supplier<List<TrialEvent>> snapshot) {
    List<TrialEvent> trials = null; // the snapshot, built at most once per batch
    long now = System.nanoTime();
    for (Iterator<Watcher> it = watching.iterator(); it.hasNext(); ) {
      Watcher w = it.next();
      boolean keep;
      if (w.call.isCancelled()) {
        keep = false;
      } else if (!w.call.isReady()) {
        keep = !fallBehind(w, now);
      } else if (w.behind) {
        w.behind = false;
        trials = trials != null ? trials : snapshot.get();
        keep = send(w, trials);
      } else {
        keep = send(w, events);
      }
      if (!keep) {
        it.remove();
      }
    }
    for (Watcher w : joining) {
      trials = trials != null ? trials : snapshot.get();
      if (send(w, trials)) {
        watching.add(w);
      }
    }
    joining.clear();
  }

  /** Marks {@code w} behind; true (drop it) once it has been behind too long. */
  private static boolean fallBehind(Watcher w, long now) {
    if (!w.behind) {
      w.behind = true;
      w.behindSinceNanos = now;
      return false;
    }
    if (now - w.behindSinceNanos < MAX_BEHIND.toNanos()) {
      return false;
    }
    w.call.onError(
        ApiException.unavailable(
                "this watcher read nothing for "
                    + MAX_BEHIND.toSeconds()
                    + " s; watch again (a snapshot of every trial comes first)")
            .toStatusException());
    return true;
  }

  /** Ends every stream with {@code error} (the study was deleted). */
  void close(ApiException error) {
    for (Watcher w : watching) {
      if (!w.call.isCancelled()) {
        w.call.onError(error.toStatusException());
      }
    }
    watching.clear();
    joining.clear();
  }

  private static boolean send(Watcher w, List<TrialEvent> events) {
    if (w.call.isCancelled()) {
      return false;
    }
    try {
      events.forEach(w.call::onNext);
      return true;
    } catch (RuntimeException e) {
      return false; // the call was cancelled between the check and the send
    }
  }
}
