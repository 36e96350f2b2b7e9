package vernier.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import vernier.v1.AskRequest;
import vernier.v1.Assignment;
import vernier.v1.CreateStudyRequest;
import vernier.v1.PluginSpec;
import vernier.v1.TellRequest;

/**
 * A sampler measured cheap (a random one) is called on the study's own thread, saving the round
 * trip through the sampling pool; one measured expensive stays on the sampling pool.
 */
final class CheapSamplerOnTheStudyThreadTest {

  private final TestServer t = TestServer.inMemory();
  private final List<String> threads = new ArrayList<>();

  @AfterEach
  void close() {
    ScriptedSamplerFactory.reset();
    t.close();
  }

  private List<String> runTrials(int n) {
    t.studies.createStudy(
        CreateStudyRequest.newBuilder()
            .setStudyId("s")
            .setSpec(Specs.basic().setSampler(PluginSpec.newBuilder().setName("test-scripted")))
            .build());
    for (int i = 0; i < n; i++) {
      Assignment a =
          t.workers
              .ask(AskRequest.newBuilder().setStudy("studies/s").setWorkerId("w").build())
              .getAssignments(0);
      t.workers.tell(
          TellRequest.newBuilder()
              .setTrial(a.getTrial().getName())
              .setLeaseId(a.getLeaseId())
              .setSucceeded(TellRequest.Succeeded.newBuilder().putValues("loss", i))
              .build());
    }
    return threads;
  }

  @Test
  void aCheapSampler_movesOntoTheStudysThreadOnceMeasured() {
    ScriptedSamplerFactory.beforeSuggest = () -> threads.add(Thread.currentThread().getName());
    List<String> seen = runTrials(100);
    assertThat(seen.get(0)).as("not measured yet").startsWith("vernier-sampling-");
    assertThat(seen.subList(50, 100)).anyMatch(name -> name.startsWith("vernier-study-"));
  }

  @Test
  void anExpensiveSampler_staysOnTheSamplingPool() {
    ScriptedSamplerFactory.beforeSuggest =
        () -> {
          threads.add(Thread.currentThread().getName());
          LockSupport.parkNanos(1_000_000); // 1 ms a suggestion
        };
    assertThat(runTrials(24)).allMatch(name -> name.startsWith("vernier-sampling-"));
  }
}
