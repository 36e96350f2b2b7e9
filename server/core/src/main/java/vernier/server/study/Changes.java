package vernier.server.study;

import java.util.ArrayList;
import java.util.List;
import vernier.server.storage.Write;
import vernier.v1.TrialEvent;

/** What one batch of commands changed: the writes to commit and the events to publish after. */
final class Changes {

  final List<Write> writes = new ArrayList<>();
  final List<TrialEvent> events = new ArrayList<>();
  private final boolean watched;

  /** {@code watched}: whether anyone watches the study; events are only built then. */
  Changes(boolean watched) {
    this.watched = watched;
  }

  /** How many writes and events there were at some point, to {@link #rollbackTo} it. */
  record Mark(int writes, int events) {}

  Mark mark() {
    return new Mark(writes.size(), events.size());
  }

  /** Drops the writes and events added since {@code mark}. */
  void rollbackTo(Mark mark) {
    writes.subList(mark.writes(), writes.size()).clear();
    events.subList(mark.events(), events.size()).clear();
  }

  void write(Write w) {
    writes.add(w);
  }

  void event(TrialEvent.Kind kind, vernier.v1.Trial trial) {
    if (watched) {
      events.add(TrialEvent.newBuilder().setKind(kind).setTrial(trial).build());
    }
  }
}
