package vernier.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import vernier.v1.AskRequest;
import vernier.v1.Assignment;
import vernier.v1.CreateStudyRequest;
import vernier.v1.Measurement;
import vernier.v1.ReportRequest;
import vernier.v1.StudyServiceGrpc;
import vernier.v1.TrialEvent;
import vernier.v1.WatchStudyRequest;

/**
 * A watcher that stops reading is not buffered for: it skips the events of a burst of reports and,
 * once it reads again, gets one snapshot of every trial as it is then, even though the study has
 * gone quiet by then. (Before, every event was queued in gRPC's buffers for it: 10 such watchers
 * grew the server by 400 MiB over 3,000 reports.)
 */
final class SlowWatcherTest {

  private static final int REPORTS = 2_000;

  @Test
  void aWatcherThatStopsReading_skipsTheBurst_andCatchesUpWithOneSnapshot() throws Exception {
    try (TestServer t = TestServer.inMemory()) {
      t.studies.createStudy(
          CreateStudyRequest.newBuilder().setStudyId("s").setSpec(Specs.basic()).build());
      Assignment a =
          t.workers.ask(AskRequest.newBuilder().setStudy("studies/s").build()).getAssignments(0);

      List<TrialEvent> received = new CopyOnWriteArrayList<>();
      AtomicReference<ClientCallStreamObserver<WatchStudyRequest>> stream = new AtomicReference<>();
      StudyServiceGrpc.newStub(t.channel)
          .watchStudy(
              WatchStudyRequest.newBuilder().setStudy("studies/s").build(),
              new ClientResponseObserver<WatchStudyRequest, TrialEvent>() {
                @Override
                public void beforeStart(ClientCallStreamObserver<WatchStudyRequest> s) {
                  stream.set(s);
                  s.disableAutoRequestWithInitial(1); // reads the first event, then nothing
                }

                @Override
                public void onNext(TrialEvent e) {
                  received.add(e);
                }

                @Override
                public void onError(Throwable e) {}

                @Override
                public void onCompleted() {}
              });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (received.isEmpty()) {
        assertThat(System.nanoTime()).isLessThan(deadline);
        Thread.sleep(10);
      }

      for (int step = 0; step < REPORTS; step++) {
        t.workers.report(
            ReportRequest.newBuilder()
                .setTrial(a.getTrial().getName())
                .setLeaseId(a.getLeaseId())
                .addMeasurements(Measurement.newBuilder().setStep(step).putMetrics("loss", step))
                .build());
      }
      stream.get().request(Integer.MAX_VALUE); // reads again, the study quiet by now

      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (received.stream()
          .noneMatch(
              e ->
                  e.getKind() == TrialEvent.Kind.SNAPSHOT
                      && e.getTrial().getLastStep() == REPORTS - 1)) {
        assertThat(System.nanoTime()).as("caught up").isLessThan(deadline);
        Thread.sleep(20);
      }
      assertThat(received.size())
          .as("events delivered for %s reports: the burst was coalesced", REPORTS)
          .isLessThan(100);
    }
  }
}
