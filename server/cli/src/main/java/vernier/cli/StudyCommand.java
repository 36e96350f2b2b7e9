package vernier.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import vernier.client.VernierClient;
import vernier.v1.CreateStudyRequest;
import vernier.v1.DeleteStudyRequest;
import vernier.v1.GetStudyRequest;
import vernier.v1.GetTrialRequest;
import vernier.v1.ListBestTrialsRequest;
import vernier.v1.ListBestTrialsResponse;
import vernier.v1.ListStudiesRequest;
import vernier.v1.ListStudiesResponse;
import vernier.v1.ListTrialsRequest;
import vernier.v1.ListTrialsResponse;
import vernier.v1.SetStudyStateRequest;
import vernier.v1.Study;
import vernier.v1.Trial;
import vernier.v1.TrialCounts;

/** {@code vernier study ...}: create and inspect studies on a running server. */
@Command(
    name = "study",
    mixinStandardHelpOptions = true,
    description = "Create, inspect and control studies.",
    subcommands = {
      StudyCommand.Create.class,
      StudyCommand.ListStudies.class,
      StudyCommand.Show.class,
      StudyCommand.Trials.class,
      StudyCommand.Best.class,
      StudyCommand.Lineage.class,
      StudyCommand.Pause.class,
      StudyCommand.Resume.class,
      StudyCommand.Stop.class,
      StudyCommand.Delete.class,
      StudyMoveCommands.Export.class,
      StudyMoveCommands.Import.class,
      StudyMoveCommands.Copy.class
    })
final class StudyCommand {

  /** Shared plumbing: connection and output. */
  abstract static class Base implements Callable<Integer> {
    @Mixin ServerOptions options;

    @Mixin OutputOptions output;

    @Option(
        names = "--timeout",
        defaultValue = "10",
        description =
            "Seconds to wait for the server, retries included (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Spec CommandSpec spec;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    /** One study in the chosen format; {@code line} is the table format's text. */
    void printStudy(Study study, String line) throws Exception {
      if (output.format() == OutputFormat.TABLE) {
        out().println(line);
        out().flush();
        return;
      }
      output.print(
          out(),
          study,
          List.of(study),
          () -> studyRows(List.of(study)),
          () -> studyRows(List.of(study)));
    }

    void printTrials(com.google.protobuf.MessageOrBuilder whole, List<Trial> trials)
        throws Exception {
      output.print(out(), whole, trials, () -> trialTable(trials), () -> trialCsv(trials));
    }

    @Override
    public Integer call() throws Exception {
      try (VernierClient client = options.connect(java.time.Duration.ofSeconds(timeoutSeconds))) {
        run(client);
      }
      out().flush();
      return 0;
    }

    abstract void run(VernierClient client) throws Exception;
  }

  static String name(String study) {
    return study.startsWith("studies/") ? study : "studies/" + study;
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Create a study from a YAML file.")
  static final class Create extends Base {
    @Option(
        names = {"-f", "--file"},
        required = true,
        description = "Study YAML (study_id, spec).")
    Path file;

    @Option(names = "--id", description = "Study id, overriding study_id in the file.")
    String id;

    @Option(names = "--validate-only", description = "Check the spec; store nothing.")
    boolean validateOnly;

    @Override
    void run(VernierClient client) throws Exception {
      CreateStudyRequest.Builder request =
          vernier.client.StudyFile.read(file).toBuilder().setValidateOnly(validateOnly);
      if (id != null) {
        request.setStudyId(id);
      }
      String name = name(request.getStudyId());
      Study existing = find(client, name);
      Study study;
      try {
        study = client.studies().createStudy(request.build());
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.ALREADY_EXISTS && existing != null) {
          throw new IllegalArgumentException(taken(name, existing, request));
        }
        throw e;
      }
      String what =
          validateOnly
              ? "valid: "
              : existing != null ? "exists already with this spec, nothing changed: " : "created ";
      printStudy(
          study,
          what
              + study.getName()
              + " ("
              + study.getSpec().getParametersCount()
              + " parameters, sampler "
              + orDefault(study.getSpec().getSampler().getName(), "auto")
              + (study.getSamplerDescription().isEmpty()
                  ? ""
                  : " (" + study.getSamplerDescription() + ")")
              + ", pruner "
              + orDefault(study.getSpec().getPruner().getName(), "none")
              + ")");
    }

    private static Study find(VernierClient client, String name) {
      try {
        return client.studies().getStudy(GetStudyRequest.newBuilder().setName(name).build());
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
          return null;
        }
        throw e;
      }
    }

    /** Why the id is taken, and what to do about it. */
    private String taken(String name, Study existing, CreateStudyRequest.Builder request)
        throws Exception {
      List<String> diff = SpecDiff.lines(existing.getSpec(), request.getSpec());
      String id = name.substring("studies/".length());
      return name
          + " exists with another spec"
          + (diff.isEmpty()
              ? " (they differ in fields the server fills in)"
              : ":\n  " + String.join("\n  ", diff))
          + "\nfix: create it under another id (--id "
          + id
          + "-2), or delete the stored study first (vernier study delete "
          + id
          + ") if its trials may go";
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List studies.")
  static final class ListStudies extends Base {
    @Override
    void run(VernierClient client) throws Exception {
      List<Study> studies = new ArrayList<>();
      String token = "";
      do {
        ListStudiesResponse page =
            client
                .studies()
                .listStudies(
                    ListStudiesRequest.newBuilder().setPageSize(1000).setPageToken(token).build());
        studies.addAll(page.getStudiesList());
        token = page.getNextPageToken();
      } while (!token.isEmpty());
      output.print(
          out(),
          ListStudiesResponse.newBuilder().addAllStudies(studies),
          studies,
          () -> studyTable(studies),
          () -> studyRows(studies));
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a study.")
  static final class Show extends Base {
    @Parameters(paramLabel = "STUDY")
    String study;

    @Override
    void run(VernierClient client) throws Exception {
      Study s =
          client.studies().getStudy(GetStudyRequest.newBuilder().setName(name(study)).build());
      if (output.format() == OutputFormat.TABLE) {
        StudyText.print(out(), s);
        return;
      }
      output.print(out(), s, List.of(s), () -> studyRows(List.of(s)), () -> studyRows(List.of(s)));
    }
  }

  @Command(name = "trials", mixinStandardHelpOptions = true, description = "List a study's trials.")
  static final class Trials extends Base {
    @Parameters(paramLabel = "STUDY")
    String study;

    @Option(
        names = "--state",
        paramLabel = "STATE",
        converter = TrialStates.class,
        completionCandidates = TrialStates.class,
        description = "Only trials in this state (repeatable, any case): ${COMPLETION-CANDIDATES}.")
    List<Trial.State> states = new ArrayList<>();

    @Override
    void run(VernierClient client) throws Exception {
      List<Trial> trials =
          client.allTrials(
              name(study), ListTrialsRequest.newBuilder().addAllStates(states).build());
      printTrials(ListTrialsResponse.newBuilder().addAllTrials(trials), trials);
    }
  }

  @Command(
      name = "best",
      mixinStandardHelpOptions = true,
      description = "The best trial, or the Pareto front of a multi-objective study.")
  static final class Best extends Base {
    @Parameters(paramLabel = "STUDY")
    String study;

    @Override
    void run(VernierClient client) throws Exception {
      ListBestTrialsResponse best =
          client
              .studies()
              .listBestTrials(ListBestTrialsRequest.newBuilder().setStudy(name(study)).build());
      if (output.format() == OutputFormat.TABLE && best.getTrialsCount() == 0) {
        out().println("no feasible succeeded trial yet");
        return;
      }
      printTrials(best, best.getTrialsList());
    }
  }

  @Command(
      name = "lineage",
      mixinStandardHelpOptions = true,
      description =
          "A trial and the trials whose checkpoints it continues (population-based training), back"
              + " to the one trained from scratch.")
  static final class Lineage extends Base {
    @Parameters(index = "0", paramLabel = "STUDY")
    String study;

    @Parameters(index = "1", paramLabel = "TRIAL")
    long trial;

    @Override
    void run(VernierClient client) throws Exception {
      List<Trial> chain = new ArrayList<>();
      long number = trial;
      while (true) {
        Trial t =
            client
                .studies()
                .getTrial(
                    GetTrialRequest.newBuilder()
                        .setName(name(study) + "/trials/" + number)
                        .build());
        chain.add(t);
        if (!t.hasStartFrom()) {
          break;
        }
        number = t.getStartFrom().getTrial();
      }
      printTrials(ListTrialsResponse.newBuilder().addAllTrials(chain), chain);
    }
  }

  abstract static class StateChange extends Base {
    @Parameters(paramLabel = "STUDY")
    String study;

    abstract Study.State target();

    @Override
    void run(VernierClient client) throws Exception {
      Study s =
          client
              .studies()
              .setStudyState(
                  SetStudyStateRequest.newBuilder()
                      .setName(name(study))
                      .setState(target())
                      .build());
      printStudy(s, s.getName() + " is " + s.getState());
    }
  }

  @Command(
      name = "pause",
      mixinStandardHelpOptions = true,
      description = "Hand out no new trials for now.")
  static final class Pause extends StateChange {
    @Override
    Study.State target() {
      return Study.State.PAUSED;
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a paused study.")
  static final class Resume extends StateChange {
    @Override
    Study.State target() {
      return Study.State.ACTIVE;
    }
  }

  @Command(
      name = "stop",
      mixinStandardHelpOptions = true,
      description = "Stop for good: no new trials, running trials are told STOP.")
  static final class Stop extends StateChange {
    @Override
    Study.State target() {
      return Study.State.STOPPED;
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Delete a study and its trials.")
  static final class Delete extends Base {
    @Parameters(paramLabel = "STUDY")
    String study;

    @Override
    void run(VernierClient client) {
      client.studies().deleteStudy(DeleteStudyRequest.newBuilder().setName(name(study)).build());
      out().println("deleted " + name(study));
    }
  }

  static String orDefault(String value, String fallback) {
    return value.isEmpty() ? fallback : value;
  }

  static String counts(TrialCounts c) {
    return String.format(
        "%d succeeded, %d pruned, %d failed, %d active, %d waiting, %d abandoned, %d infeasible",
        c.getSucceeded(),
        c.getPruned(),
        c.getFailed(),
        c.getActive(),
        c.getWaiting(),
        c.getAbandoned(),
        c.getInfeasible());
  }

  static Rows studyTable(List<Study> studies) {
    Rows rows = new Rows(List.of("STUDY", "STATE", "DONE", "TRIALS"));
    for (Study s : studies) {
      rows.add(
          List.of(
              s.getName().substring("studies/".length()),
              s.getState().name(),
              s.getDone() ? "yes" : "no",
              counts(s.getTrialCounts())));
    }
    return rows;
  }

  /** Studies with one column per field and per trial state (CSV). */
  static Rows studyRows(List<Study> studies) {
    Rows rows =
        new Rows(
            List.of(
                "study",
                "state",
                "done",
                "succeeded",
                "pruned",
                "failed",
                "active",
                "waiting",
                "abandoned",
                "infeasible",
                "sampler",
                "pruner"));
    for (Study s : studies) {
      TrialCounts c = s.getTrialCounts();
      rows.add(
          List.of(
              s.getName().substring("studies/".length()),
              s.getState().name(),
              Boolean.toString(s.getDone()),
              Integer.toString(c.getSucceeded()),
              Integer.toString(c.getPruned()),
              Integer.toString(c.getFailed()),
              Integer.toString(c.getActive()),
              Integer.toString(c.getWaiting()),
              Integer.toString(c.getAbandoned()),
              Integer.toString(c.getInfeasible()),
              orDefault(s.getSpec().getSampler().getName(), "auto"),
              orDefault(s.getSpec().getPruner().getName(), "none")));
    }
    return rows;
  }

  /**
   * One line per trial; a trial continuing another's checkpoint shows it, e.g. {@code from
   * #38@125}; failed and infeasible trials show their reason.
   */
  static Rows trialTable(List<Trial> trials) {
    Rows rows = new Rows(List.of("TRIAL", "STATE", "VALUES", "STEP", "PARAMS", "REASON"));
    for (Trial t : trials) {
      String from =
          t.hasStartFrom()
              ? "from #" + t.getStartFrom().getTrial() + "@" + t.getStartFrom().getStep() + " "
              : "";
      rows.add(
          List.of(
              Long.toString(t.getNumber()),
              t.getState().name(),
              CommandLineFormat.values(t.getValuesMap()),
              t.getLastStep() < 0 ? "-" : Long.toString(t.getLastStep()),
              from + CommandLineFormat.params(t.getParamsMap()),
              t.getFailureReason()));
    }
    return rows;
  }

  /** Trials with one column per value metric and per parameter, full precision (CSV). */
  static Rows trialCsv(List<Trial> trials) {
    TreeSet<String> metrics = new TreeSet<>();
    TreeSet<String> params = new TreeSet<>();
    for (Trial t : trials) {
      metrics.addAll(t.getValuesMap().keySet());
      params.addAll(t.getParamsMap().keySet());
    }
    List<String> header = new ArrayList<>(List.of("number", "state"));
    metrics.forEach(m -> header.add("value_" + m));
    params.forEach(p -> header.add("param_" + p));
    header.addAll(List.of("last_step", "attempt", "worker_id", "failure_reason"));
    Rows rows = new Rows(header);
    for (Trial t : trials) {
      List<String> row =
          new ArrayList<>(List.of(Long.toString(t.getNumber()), t.getState().name()));
      metrics.forEach(
          m ->
              row.add(
                  t.getValuesMap().containsKey(m) ? Double.toString(t.getValuesMap().get(m)) : ""));
      params.forEach(
          p -> row.add(t.getParamsMap().containsKey(p) ? csvValue(t.getParamsMap().get(p)) : ""));
      row.addAll(
          List.of(
              t.getLastStep() < 0 ? "" : Long.toString(t.getLastStep()),
              Integer.toString(t.getAttempt()),
              t.getWorkerId(),
              t.getFailureReason()));
      rows.add(row);
    }
    return rows;
  }

  private static String csvValue(vernier.v1.ParamValue v) {
    return v.getKindCase() == vernier.v1.ParamValue.KindCase.DOUBLE_VALUE
        ? Double.toString(v.getDoubleValue())
        : CommandLineFormat.value(v);
  }
}
