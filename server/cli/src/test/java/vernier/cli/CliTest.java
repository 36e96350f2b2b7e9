package vernier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import vernier.client.ActiveTrial;
import vernier.client.VernierClient;

/** The CLI against the real server process, with the example study file. */
final class CliTest {

  @TempDir static Path dir;

  static ServerProcess server;

  @BeforeAll
  static void start() throws Exception {
    server = ServerProcess.start(dir.resolve("cli.db"), ServerProcess.freePort());
  }

  @AfterAll
  static void stop() throws InterruptedException {
    server.close();
  }

  record Result(int code, String out, String err) {}

  private static Result vernier(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = Main.command();
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(err));
    int code = cmd.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  private static Path example() {
    Path p = Path.of("../../examples/study.yaml");
    assertThat(p).exists();
    return p;
  }

  @Test
  void studyLifecycle_fromTheExampleYaml() {
    String s = server.target();
    Result created =
        vernier("study", "create", "-f", example().toString(), "--id", "cli-one", "-s", s);
    assertThat(created.code()).as(created.err()).isZero();
    assertThat(created.out()).contains("created studies/cli-one", "7 parameters", "pruner median");

    try (VernierClient client = VernierClient.connect(s)) {
      for (int i = 0; i < 3; i++) {
        try (ActiveTrial t = client.ask("studies/cli-one", "cli-test").orElseThrow()) {
          t.report(0, Map.of("val_loss", 2.0));
          t.succeed(Map.of("val_loss", 1.0 - i * 0.1, "memory_gb", 4.0));
        }
      }
    }
    assertThat(vernier("study", "list", "-s", s).out())
        .contains("cli-one", "ACTIVE", "3 succeeded");
    assertThat(vernier("study", "show", "cli-one", "-s", s).out())
        .contains(
            "studies/cli-one",
            "objectives:  minimize val_loss",
            "constraints: memory_gb <= 16",
            "sampler:     tpe (default settings)",
            "pruner:      median {n_startup_trials: 5, n_warmup_steps: 3}",
            "limits:      max_trials 100, max_parallel 8, max_failed 10, max_attempts 2, lease"
                + " 120s",
            "seed:        7")
        .containsPattern("lr +float +\\[1e-05, 0\\.1\\] +log")
        .containsPattern("momentum +float +\\[0, 0\\.99\\] +linear +if optimizer in \\{sgd\\}")
        .containsPattern("batch_size +int +\\[16, 256\\] step 16");
    Result trials = vernier("study", "trials", "cli-one", "--state", "succeeded", "-s", s);
    assertThat(trials.out().lines().count()).as(trials.err()).isEqualTo(4);
    Result csv = vernier("study", "trials", "cli-one", "--format", "CSV", "-s", s);
    assertThat(csv.out().lines().findFirst())
        .hasValue(
            "number,state,value_memory_gb,value_val_loss,param_batch_size,param_dropout,param_layers,"
                + "param_lr,param_momentum,param_optimizer,param_units,last_step,attempt,worker_id,"
                + "failure_reason");
    assertThat(csv.out().lines().count()).isEqualTo(4);
    Result jsonl = vernier("study", "trials", "cli-one", "--format", "jsonl", "-s", s);
    assertThat(jsonl.out().lines().toList())
        .hasSize(3)
        .allSatisfy(l -> assertThat(l).startsWith("{\"name\":\"studies/cli-one/trials/"));
    assertThat(vernier("study", "list", "--format", "csv", "-s", s).out())
        .startsWith("study,state,done,succeeded,pruned,failed,active,waiting,abandoned,infeasible")
        .contains("cli-one,ACTIVE,false,3,0,0,0,0,0,0,tpe,median");
    Result badState = vernier("study", "trials", "cli-one", "--state", "unrecognized", "-s", s);
    assertThat(badState.code()).isEqualTo(2);
    assertThat(badState.err())
        .contains(
            "'unrecognized' is not a trial state; use one of WAITING, ACTIVE, SUCCEEDED, PRUNED,"
                + " FAILED, INFEASIBLE, ABANDONED");
    assertThat(vernier("study", "best", "cli-one", "-s", s).out()).contains("val_loss=0.80000");
    assertThat(vernier("study", "best", "cli-one", "--json", "-s", s).out())
        .contains("\"val_loss\": 0.8");
    assertThat(vernier("study", "pause", "cli-one", "-s", s).out()).contains("PAUSED");
    assertThat(vernier("study", "resume", "cli-one", "-s", s).out()).contains("ACTIVE");
    assertThat(vernier("study", "stop", "cli-one", "-s", s).out()).contains("STOPPED");
    assertThat(vernier("study", "delete", "cli-one", "-s", s).out())
        .contains("deleted studies/cli-one");
    Result gone = vernier("study", "show", "cli-one", "-s", s);
    assertThat(gone.code()).isEqualTo(2);
    assertThat(gone.err()).contains("NOT_FOUND", "studies/cli-one");
  }

  @Test
  void create_validateOnly_andBadFilesGiveClearErrors() throws Exception {
    String s = server.target();
    assertThat(
            vernier(
                    "study",
                    "create",
                    "-f",
                    example().toString(),
                    "--id",
                    "cli-two",
                    "--validate-only",
                    "-s",
                    s)
                .out())
        .contains("valid: studies/cli-two");
    assertThat(vernier("study", "show", "cli-two", "-s", s).err()).contains("NOT_FOUND");

    for (String example : new String[] {"djl-text.yaml", "djl-lm.yaml", "agent/quadratic.yaml"}) {
      Result valid =
          vernier("study", "create", "-f", "../../examples/" + example, "--validate-only", "-s", s);
      assertThat(valid.code()).as(example + ": " + valid.err()).isZero();
    }

    Path typo = dir.resolve("typo.yaml");
    Files.writeString(typo, Files.readString(example()).replace("log_scale", "logscale"));
    Result r = vernier("study", "create", "-f", typo.toString(), "-s", s);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .contains(
            "typo.yaml:11:",
            "spec.parameters[0].float_domain.logscale: unknown field 'logscale' in FloatDomain;"
                + " did you mean 'log_scale'?");

    Path badRange = dir.resolve("range.yaml");
    Files.writeString(
        badRange, Files.readString(example()).replace("{min: 1, max: 6}", "{min: 6, max: 1}"));
    r = vernier("study", "create", "-f", badRange.toString(), "-s", s);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("INVALID_ARGUMENT", "spec.parameters[3].int_domain.min");
  }

  @Test
  void demo_runsASweepWithPruningAndPrintsTheBestTrial() {
    Result r =
        vernier(
            "demo",
            "--workload",
            "synthetic",
            "--trials",
            "16",
            "--workers",
            "3",
            "--steps",
            "12",
            "--step-ms",
            "1");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("[ 16/16]", "PRUNED", "Done in", "Best trial");
  }

  @Test
  void demo_namesItsStudyAsAsked_continuesItWithTheSameSpec_andRefusesAnother() {
    String db = dir.resolve("demo.db").toString();
    List<String> args =
        List.of(
            "demo",
            "--workload",
            "synthetic",
            "--trials",
            "4",
            "--workers",
            "2",
            "--steps",
            "6",
            "--step-ms",
            "1",
            "--db",
            db,
            "--study",
            "my-sweep");
    Result r = vernier(args.toArray(String[]::new));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("study my-sweep", "[  4/4]", "Best trial");
    Result again =
        vernier(args.toArray(String[]::new)); // all 4 trials are done: nothing more to run
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.out())
        .contains("Continuing study my-sweep: 4 of 4 trials already done.", "Best trial")
        .doesNotContain("[  1/4]");
    List<String> otherPruner = new ArrayList<>(args);
    otherPruner.addAll(List.of("--pruner", "none"));
    Result refused = vernier(otherPruner.toArray(String[]::new));
    assertThat(refused.code()).isNotZero();
    assertThat(refused.err()).contains("ALREADY_EXISTS", "my-sweep");
  }

  @Test
  void create_saysWhenTheStudyExisted_andWhatDiffersWhenItsIdIsTaken() throws Exception {
    String s = server.target();
    Result first =
        vernier("study", "create", "-f", example().toString(), "--id", "cli-twice", "-s", s);
    assertThat(first.out()).startsWith("created studies/cli-twice");
    Result same =
        vernier("study", "create", "-f", example().toString(), "--id", "cli-twice", "-s", s);
    assertThat(same.code()).as(same.err()).isZero();
    assertThat(same.out())
        .startsWith("exists already with this spec, nothing changed: studies/cli-twice");

    Path other = dir.resolve("other.yaml");
    Files.writeString(
        other,
        Files.readString(example())
            .replace("max_trials: 100", "max_trials: 200")
            .replace("name: tpe", "name: random"));
    Result taken = vernier("study", "create", "-f", other.toString(), "--id", "cli-twice", "-s", s);
    assertThat(taken.code()).isEqualTo(1);
    assertThat(taken.err())
        .contains(
            "studies/cli-twice exists with another spec:",
            "limits.max_trials: 100 (stored) vs 200 (yours)",
            "sampler.name: tpe (stored) vs random (yours)",
            "fix: create it under another id (--id cli-twice-2), or delete the stored study first"
                + " (vernier study delete cli-twice)");
  }

  @Test
  void create_andShow_sayWhatTheAutoSamplerChose() throws Exception {
    String s = server.target();
    Path noSampler = dir.resolve("auto.yaml");
    Files.writeString(
        noSampler, Files.readString(example()).replace("  sampler:\n    name: tpe\n", ""));
    Result created =
        vernier("study", "create", "-f", noSampler.toString(), "--id", "cli-auto", "-s", s);
    assertThat(created.out())
        .contains("sampler auto (chose tpe: 1 objective, 7 parameters, conditional)");
    assertThat(vernier("study", "show", "cli-auto", "-s", s).out())
        .contains(
            "sampler:     auto (default settings); chose tpe: 1 objective, 7 parameters,"
                + " conditional");
  }

  @Test
  void aWrongAddressIsNamedWithWhereItCameFromAndTheCause() throws Exception {
    String nowhere = "127.0.0.1:" + ServerProcess.freePort();
    Result r = vernier("study", "list", "-s", nowhere, "--timeout", "2");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .startsWith("vernier: no answer from the server at " + nowhere + " (from --server): ")
        .contains("Connection refused")
        .endsWith("; is it running there?\n");
  }

  @Test
  void plugins_listsBuiltInSamplersAndPrunersWithSettings() {
    Result r = vernier("plugins", "--plugins-dir", dir.resolve("none").toString());
    assertThat(r.out())
        .contains(
            "Samplers:",
            "random",
            "grid",
            "resolution",
            "Pruners:",
            "median",
            "n_startup_trials",
            "none");
    Result csv =
        vernier("plugins", "--format", "csv", "--plugins-dir", dir.resolve("none").toString());
    assertThat(csv.out())
        .startsWith("kind,plugin,setting,type,default,allowed,setting_description\n")
        .contains("pruner,median,n_startup_trials,integer,5,");
    Result jsonl =
        vernier("plugins", "--format", "jsonl", "--plugins-dir", dir.resolve("none").toString());
    assertThat(jsonl.out().lines())
        .anyMatch(l -> l.startsWith("{\"kind\":\"pruner\",\"name\":\"median\""));
  }
}
