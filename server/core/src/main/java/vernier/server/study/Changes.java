package vernier.server.study;

import java.util.ArrayList;
import java.util.List;
import vernier.server.storage.Write;
import vernier.v1.TrialEvent;

/** What one batch of commands changed: the writes to commit and the events to publish after. */
final class Changes {

  final List<Write> writes = new ArrayList<>();
  final List<TrialEvent> events = new ArrayList<>();

  void write(Write w) {
    writes.add(w);
  }

  void event(TrialEvent.Kind kind, vernier.v1.Trial trial) {
    events.add(TrialEvent.newBuilder().setKind(kind).setTrial(trial).build());
  }
}
