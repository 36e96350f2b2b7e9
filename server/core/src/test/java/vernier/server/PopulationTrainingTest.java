package vernier.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import vernier.v1.AskRequest;
import vernier.v1.AskResponse;
import vernier.v1.Assignment;
import vernier.v1.CheckpointRef;
import vernier.v1.CreateStudyRequest;
import vernier.v1.GetTrialRequest;
import vernier.v1.PluginSpec;
import vernier.v1.StudySpec;
import vernier.v1.TellRequest;
import vernier.v1.Trial;

/** The pbt sampler through the real API: plans on trials, lineage, wait and done, retries. */
final class PopulationTrainingTest {

  private final TestServer t = TestServer.inMemory();

  @AfterEach
  void close() {
    t.close();
  }

  private static Value number(double v) {
    return Value.newBuilder().setNumberValue(v).build();
  }

  private void create(StudySpec.Builder spec) {
    PluginSpec pbt = PluginSpec.newBuilder().setName("pbt").setSettings(Struct.newBuilder()
        .putFields("population_size", number(2)).putFields("interval", number(5)).putFields("max_step", number(10)))
        .build();
    t.studies.createStudy(CreateStudyRequest.newBuilder().setStudyId("p").setSpec(spec.setSampler(pbt)).build());
  }

  private AskResponse ask() {
    return t.workers.ask(AskRequest.newBuilder().setStudy("studies/p").setWorkerId("w").build());
  }

  private Assignment askOne() {
    AskResponse r = ask();
    assertThat(r.getStatus()).isEqualTo(AskResponse.Status.ASSIGNED);
    return r.getAssignments(0);
  }

  private void succeed(Assignment a, double loss) {
    t.workers.tell(TellRequest.newBuilder().setTrial(a.getTrial().getName()).setLeaseId(a.getLeaseId())
        .setSucceeded(TellRequest.Succeeded.newBuilder().putValues("loss", loss)).build());
  }

  @Test
  void membersTrainInSegments_thePoorOneStartsFromTheBetterOnesCheckpoint_thenTheStudyIsDone() {
    create(Specs.basic());
    Assignment a = askOne();
    Assignment b = askOne();
    assertThat(a.getTrial().getLabelsMap()).containsEntry("pbt.member", "0");
    assertThat(b.getTrial().getLabelsMap()).containsEntry("pbt.member", "1");
    assertThat(a.getTrial().getMaxStep()).isEqualTo(5);
    assertThat(a.getTrial().hasStartFrom()).isFalse();
    assertThat(ask().getStatus()).as("both members are training").isEqualTo(AskResponse.Status.WAIT);

    succeed(a, 2.0);
    succeed(b, 1.0);
    Assignment exploit = askOne(); // member 0 was worse: it copies member 1 at step 5
    assertThat(exploit.getTrial().getLabelsMap()).containsEntry("pbt.member", "0");
    assertThat(exploit.getTrial().getStartFrom())
        .isEqualTo(CheckpointRef.newBuilder().setTrial(b.getTrial().getNumber()).setStep(5).build());
    assertThat(exploit.getTrial().getMaxStep()).isEqualTo(10);
    Assignment cont = askOne(); // member 1 continues from its own checkpoint with the same params
    assertThat(cont.getTrial().getStartFrom().getTrial()).isEqualTo(b.getTrial().getNumber());
    assertThat(cont.getTrial().getParamsMap()).isEqualTo(b.getTrial().getParamsMap());

    Trial stored = t.studies.getTrial(GetTrialRequest.newBuilder().setName(exploit.getTrial().getName()).build());
    assertThat(stored.getStartFrom().getTrial()).as("lineage via the API").isEqualTo(b.getTrial().getNumber());
    assertThat(stored.getLabelsMap()).containsEntry("pbt.member", "0");

    succeed(exploit, 0.5);
    succeed(cont, 0.7);
    assertThat(ask().getStatus()).isEqualTo(AskResponse.Status.STUDY_DONE);
  }

  @Test
  void aRetriedSegmentKeepsItsPlan() {
    create(Specs.basic().setLimits(Specs.limits().setLeaseDuration(Specs.seconds(5)).setMaxAttempts(2)));
    Assignment a = askOne();
    Assignment b = askOne();
    succeed(a, 2.0);
    succeed(b, 1.0);
    Assignment exploit = askOne();
    t.clock.advance(Duration.ofSeconds(6)); // its worker died
    Assignment retry = askOne();
    assertThat(retry.getTrial().getRetryOf()).isEqualTo(exploit.getTrial().getNumber());
    assertThat(retry.getTrial().getStartFrom()).isEqualTo(exploit.getTrial().getStartFrom());
    assertThat(retry.getTrial().getMaxStep()).isEqualTo(10);
    assertThat(retry.getTrial().getLabelsMap()).containsEntry("pbt.member", "0");
  }
}
