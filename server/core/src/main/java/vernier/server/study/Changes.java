package vernier.server.study;

import java.util.ArrayList;
import java.util.List;
import vernier.server.storage.Write;
import vernier.v1.TrialEvent;

/**
 * What one batch of commands changed: the writes to commit, the events to publish after, and the
 * parked asks it answered (sent once the writes are committed).
 */
final class Changes {

  final List<Write> writes = new ArrayList<>();
  final List<TrialEvent> events = new ArrayList<>();
  final List<Pending<?>> answered = new ArrayList<>();
  private final boolean watched;

  /** {@code watched}: whether anyone watches the study; events are only built then. */
  Changes(boolean watched) {
    this.watched = watched;
  }

  /** How much there was at some point, to {@link #rollbackTo} it. */
  record Mark(int writes, int events, int answered) {}

  Mark mark() {
    return new Mark(writes.size(), events.size(), answered.size());
  }

  /**
   * Drops the writes and events added since {@code mark}; the asks answered since are answered
   * {@code error} instead.
   */
  void rollbackTo(Mark mark, RuntimeException error) {
    writes.subList(mark.writes(), writes.size()).clear();
    events.subList(mark.events(), events.size()).clear();
    answered.subList(mark.answered(), answered.size()).forEach(p -> p.fail(error));
  }

  void write(Write w) {
    writes.add(w);
  }

  void event(TrialEvent.Kind kind, vernier.v1.Trial trial) {
    if (watched) {
      events.add(TrialEvent.newBuilder().setKind(kind).setTrial(trial).build());
    }
  }

  /** A parked request answered by this batch. */
  void answered(Pending<?> p) {
    answered.add(p);
  }
}
