package vernier.cli;

import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
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
      StudyCommand.Delete.class
    })
final class StudyCommand {

  /** Shared plumbing: connection, output, JSON. */
  abstract static class Base implements Callable<Integer> {
    @Mixin ServerOptions options;

    @Option(names = "--json", description = "Print the API's JSON instead of a table.")
    boolean json;

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

    void printJson(MessageOrBuilder message) throws Exception {
      out().println(JsonFormat.printer().print(message));
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
      Study study = client.studies().createStudy(request.build());
      if (json) {
        printJson(study);
      } else {
        out()
            .println(
                (validateOnly ? "valid: " : "created ")
                    + study.getName()
                    + " ("
                    + study.getSpec().getParametersCount()
                    + " parameters, sampler "
                    + orDefault(study.getSpec().getSampler().getName(), "random")
                    + ", pruner "
                    + orDefault(study.getSpec().getPruner().getName(), "none")
                    + ")");
      }
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
      if (json) {
        printJson(ListStudiesResponse.newBuilder().addAllStudies(studies));
        return;
      }
      out().printf("%-32s %-8s %-5s %s%n", "STUDY", "STATE", "DONE", "TRIALS");
      for (Study s : studies) {
        out()
            .printf(
                "%-32s %-8s %-5s %s%n",
                s.getName().substring("studies/".length()),
                s.getState(),
                s.getDone() ? "yes" : "no",
                counts(s.getTrialCounts()));
      }
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
      if (json) {
        printJson(s);
        return;
      }
      out().println(s.getName() + "  " + s.getState() + (s.getDone() ? "  (done)" : ""));
      out().println("trials: " + counts(s.getTrialCounts()));
      out()
          .println(
              "objectives: "
                  + s.getSpec().getObjectivesList().stream()
                      .map(
                          o ->
                              o.getDirection().name().toLowerCase(Locale.ROOT)
                                  + " "
                                  + o.getMetric())
                      .collect(Collectors.joining(", ")));
      out()
          .println(
              "sampler: "
                  + orDefault(s.getSpec().getSampler().getName(), "random")
                  + ", pruner: "
                  + orDefault(s.getSpec().getPruner().getName(), "none"));
      out().println("parameters:");
      for (var p : s.getSpec().getParametersList()) {
        out()
            .println(
                "  "
                    + JsonFormat.printer()
                        .omittingInsignificantWhitespace()
                        .print(p)
                        .replace("\"", ""));
      }
    }
  }

  @Command(name = "trials", mixinStandardHelpOptions = true, description = "List a study's trials.")
  static final class Trials extends Base {
    @Parameters(paramLabel = "STUDY")
    String study;

    @Option(
        names = "--state",
        description = "Only trials in this state (repeatable): ${COMPLETION-CANDIDATES}.")
    List<Trial.State> states = new ArrayList<>();

    @Override
    void run(VernierClient client) throws Exception {
      List<Trial> trials = new ArrayList<>();
      String token = "";
      do {
        ListTrialsResponse page =
            client
                .studies()
                .listTrials(
                    ListTrialsRequest.newBuilder()
                        .setStudy(name(study))
                        .addAllStates(states)
                        .setPageSize(1000)
                        .setPageToken(token)
                        .build());
        trials.addAll(page.getTrialsList());
        token = page.getNextPageToken();
      } while (!token.isEmpty());
      if (json) {
        printJson(ListTrialsResponse.newBuilder().addAllTrials(trials));
        return;
      }
      printTrials(out(), trials);
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
      var best =
          client
              .studies()
              .listBestTrials(ListBestTrialsRequest.newBuilder().setStudy(name(study)).build());
      if (json) {
        printJson(best);
      } else if (best.getTrialsCount() == 0) {
        out().println("no feasible succeeded trial yet");
      } else {
        printTrials(out(), best.getTrialsList());
      }
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
      if (json) {
        out().println(chain.stream().map(t -> Long.toString(t.getNumber())).toList());
      } else {
        printTrials(out(), chain);
      }
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
      if (json) {
        printJson(s);
      } else {
        out().println(s.getName() + " is " + s.getState());
      }
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

  /**
   * One line per trial; a trial continuing another's checkpoint shows it, e.g. {@code from
   * #38@125}.
   */
  static void printTrials(PrintWriter out, List<Trial> trials) {
    out.printf("%-6s %-10s %-28s %-6s %s%n", "TRIAL", "STATE", "VALUES", "STEP", "PARAMS");
    for (Trial t : trials) {
      String from =
          t.hasStartFrom()
              ? "from #" + t.getStartFrom().getTrial() + "@" + t.getStartFrom().getStep() + " "
              : "";
      out.printf(
          "%-6d %-10s %-28s %-6s %s%s%n",
          t.getNumber(),
          t.getState(),
          CommandLineFormat.values(t.getValuesMap()),
          t.getLastStep() < 0 ? "-" : Long.toString(t.getLastStep()),
          from,
          CommandLineFormat.params(t.getParamsMap()));
    }
  }
}
