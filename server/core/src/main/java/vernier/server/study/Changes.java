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

  void write(Write w) {
    writes.add(w);
  }

  void event(TrialEvent.Kind kind, vernier.v1.Trial trial) {
    if (watched) {
      events.add(TrialEvent.newBuilder().setKind(kind).setTrial(trial).build());
    }
  }
}
