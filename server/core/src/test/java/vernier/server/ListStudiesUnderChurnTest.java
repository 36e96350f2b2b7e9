package vernier.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import vernier.v1.CreateStudyRequest;
import vernier.v1.DeleteStudyRequest;
import vernier.v1.ListStudiesRequest;
import vernier.v1.Study;

/**
 * Listing studies while others create and delete theirs: a study deleted between reading the ids
 * and reading its summary is skipped, and never fails the list for everyone.
 */
final class ListStudiesUnderChurnTest {

  @Test
  void aStudyDeletedWhileListing_isSkipped_andTheListNeverFails() throws Exception {
    try (TestServer t = TestServer.inMemory()) {
      t.studies.createStudy(
          CreateStudyRequest.newBuilder().setStudyId("kept").setSpec(Specs.basic()).build());
      AtomicBoolean stop = new AtomicBoolean();
      Thread churn =
          new Thread(
              () -> {
                for (int i = 0; !stop.get(); i++) {
                  String id = "churn-" + (i % 4);
                  t.studies.createStudy(
                      CreateStudyRequest.newBuilder()
                          .setStudyId(id)
                          .setSpec(Specs.basic())
                          .build());
                  t.studies.deleteStudy(
                      DeleteStudyRequest.newBuilder().setName("studies/" + id).build());
                }
              });
      churn.start();
      List<String> failures = new ArrayList<>();
      int lists = 0;
      long end = System.nanoTime() + 3_000_000_000L;
      try {
        while (System.nanoTime() < end) {
          try {
            List<Study> listed =
                t.studies
                    .listStudies(ListStudiesRequest.newBuilder().setPageSize(100).build())
                    .getStudiesList();
            assertThat(listed).extracting(Study::getName).contains("studies/kept");
          } catch (StatusRuntimeException e) {
            failures.add(e.getStatus().toString());
          }
          lists++;
        }
      } finally {
        stop.set(true);
        churn.join();
      }
      assertThat(lists).isGreaterThan(10);
      assertThat(failures).as("failed lists out of %d", lists).isEmpty();
    }
  }
}
