package vernier.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vernier.v1.AskRequest;
import vernier.v1.AskResponse;
import vernier.v1.Assignment;
import vernier.v1.CreateStudyRequest;
import vernier.v1.DeleteStudyRequest;
import vernier.v1.GetStudyRequest;
import vernier.v1.ListStudiesRequest;
import vernier.v1.Measurement;
import vernier.v1.ReportRequest;
import vernier.v1.TellRequest;

/**
 * DeleteStudy while eight workers ask, report and tell: the delete is one atomic command of the
 * study, answered OK, and leaves no zombie — the id can be created again at once and works.
 */
final class DeleteUnderLoadTest {

  @TempDir Path dir;

  @Test
  void deleteUnderLoad_succeeds_andTheIdCanBeReusedAtOnce() throws Exception {
    ServerConfig config =
        new ServerConfig("127.0.0.1", 0, -1, dir.resolve("v.db").toString(), null);
    try (TestServer t = new TestServer(config)) {
      for (int round = 0; round < 5; round++) {
        create(t);
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
          String worker = "w" + w;
          Thread thread = new Thread(() -> work(t, worker, stop));
          thread.start();
          workers.add(thread);
        }
        Thread.sleep(300);
        t.studies.deleteStudy(DeleteStudyRequest.newBuilder().setName("studies/d").build());
        stop.set(true);
        for (Thread thread : workers) {
          thread.join();
        }
        StatusRuntimeException gone =
            org.assertj.core.api.Assertions.catchThrowableOfType(
                StatusRuntimeException.class,
                () ->
                    t.studies.getStudy(GetStudyRequest.newBuilder().setName("studies/d").build()));
        assertThat(gone.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(t.studies.listStudies(ListStudiesRequest.getDefaultInstance()).getStudiesList())
            .isEmpty();
      }
      create(t); // the id is free: no zombie coordinator
      assertThat(ask(t, "again").getStatus()).isEqualTo(AskResponse.Status.ASSIGNED);
    }
  }

  private static void create(TestServer t) {
    t.studies.createStudy(
        CreateStudyRequest.newBuilder().setStudyId("d").setSpec(Specs.basic()).build());
  }

  private static AskResponse ask(TestServer t, String worker) {
    return t.workers.ask(AskRequest.newBuilder().setStudy("studies/d").setWorkerId(worker).build());
  }

  /** Asks, reports and tells until stopped; the study vanishing under it is expected. */
  private static void work(TestServer t, String worker, AtomicBoolean stop) {
    while (!stop.get()) {
      try {
        AskResponse r = ask(t, worker);
        if (r.getAssignmentsCount() == 0) {
          continue;
        }
        Assignment a = r.getAssignments(0);
        t.workers.report(
            ReportRequest.newBuilder()
                .setTrial(a.getTrial().getName())
                .setLeaseId(a.getLeaseId())
                .addMeasurements(Measurement.newBuilder().setStep(0).putMetrics("loss", 1.0))
                .build());
        t.workers.tell(
            TellRequest.newBuilder()
                .setTrial(a.getTrial().getName())
                .setLeaseId(a.getLeaseId())
                .setSucceeded(TellRequest.Succeeded.newBuilder().putValues("loss", 0.5))
                .build());
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
          throw e;
        }
      }
    }
  }
}
