package vernier.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
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
import vernier.v1.ReportRequest;
import vernier.v1.StudySpec;
import vernier.v1.TellRequest;
import vernier.v1.Trial;
import vernier.v1.TrialSource;

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
    PluginSpec pbt =
        PluginSpec.newBuilder()
            .setName("pbt")
            .setSettings(
                Struct.newBuilder()
                    .putFields("population_size", number(2))
                    .putFields("interval", number(5))
                    .putFields("max_step", number(10)))
            .build();
    t.studies.createStudy(
        CreateStudyRequest.newBuilder().setStudyId("p").setSpec(spec.setSampler(pbt)).build());
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
    t.workers.tell(
        TellRequest.newBuilder()
            .setTrial(a.getTrial().getName())
            .setLeaseId(a.getLeaseId())
            .setSucceeded(TellRequest.Succeeded.newBuilder().putValues("loss", loss))
            .build());
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
    assertThat(ask().getStatus())
        .as("both members are training")
        .isEqualTo(AskResponse.Status.WAIT);

    succeed(a, 2.0);
    succeed(b, 1.0);
    Assignment exploit = askOne(); // member 0 was worse: it copies member 1 at step 5
    assertThat(exploit.getTrial().getLabelsMap()).containsEntry("pbt.member", "0");
    assertThat(exploit.getTrial().getStartFrom())
        .isEqualTo(
            CheckpointRef.newBuilder().setTrial(b.getTrial().getNumber()).setStep(5).build());
    assertThat(exploit.getTrial().getMaxStep()).isEqualTo(10);
    Assignment cont = askOne(); // member 1 continues from its own checkpoint with the same params
    assertThat(cont.getTrial().getStartFrom().getTrial()).isEqualTo(b.getTrial().getNumber());
    assertThat(cont.getTrial().getParamsMap()).isEqualTo(b.getTrial().getParamsMap());

    Trial stored =
        t.studies.getTrial(
            GetTrialRequest.newBuilder().setName(exploit.getTrial().getName()).build());
    assertThat(stored.getStartFrom().getTrial())
        .as("lineage via the API")
        .isEqualTo(b.getTrial().getNumber());
    assertThat(stored.getLabelsMap()).containsEntry("pbt.member", "0");

    succeed(exploit, 0.5);
    succeed(cont, 0.7);
    assertThat(ask().getStatus()).isEqualTo(AskResponse.Status.STUDY_DONE);
  }

  @Test
  void aRetriedSegmentKeepsItsPlan() {
    create(
        Specs.basic()
            .setLimits(Specs.limits().setLeaseDuration(Specs.seconds(5)).setMaxAttempts(2)));
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

  @Test
  void workersCannotSetTheSamplersLabels_andARetryRepeatsOnlyTheSamplers() {
    create(
        Specs.basic()
            .setLimits(Specs.limits().setLeaseDuration(Specs.seconds(5)).setMaxAttempts(2)));
    Assignment a = askOne();
    StatusRuntimeException e =
        catchThrowableOfType(StatusRuntimeException.class, () -> report(a, "pbt.member", "1"));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains("labels[pbt.member]").contains("reserved");
    report(a, "device", "gpu(0)");
    report(
        a, "k8s.pod", "trainer-7"); // a dotted key outside any sampler's namespace is the worker's
    Trial stored =
        t.studies.getTrial(GetTrialRequest.newBuilder().setName(a.getTrial().getName()).build());
    assertThat(stored.getLabelsMap())
        .containsEntry("pbt.member", "0")
        .containsEntry("device", "gpu(0)")
        .containsEntry("k8s.pod", "trainer-7");

    t.clock.advance(Duration.ofSeconds(6)); // its worker died
    Assignment first = askOne(); // the retry and member 1, in either order
    Assignment retry = first.getTrial().getSource() == TrialSource.RETRY ? first : askOne();
    assertThat(retry.getTrial().getSource()).isEqualTo(TrialSource.RETRY);
    assertThat(retry.getTrial().getRetryOf()).isEqualTo(a.getTrial().getNumber());
    assertThat(retry.getTrial().getLabelsMap())
        .as("the plan, not the dead worker's device")
        .isEqualTo(java.util.Map.of("pbt.member", "0"));
  }

  private void report(Assignment a, String key, String value) {
    t.workers.report(
        ReportRequest.newBuilder()
            .setTrial(a.getTrial().getName())
            .setLeaseId(a.getLeaseId())
            .putLabels(key, value)
            .build());
  }
}
