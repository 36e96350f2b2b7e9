package vernier.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code vernier}: the server, study administration, plugins and the demo. */
@Command(
    name = "vernier",
    mixinStandardHelpOptions = true,
    version = "vernier 0.1.0",
    description = "Hyperparameter tuning over gRPC: ask, report, tell.",
    subcommands = {
      ServerCommand.class,
      StudyCommand.class,
      AgentCommand.class,
      vernier.djl.DjlWorker.class,
      PluginsCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main {

  public static void main(String[] args) {
    // DJL takes PyTorch's native libraries from the jars on the class path; it never downloads.
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code. */
  public static int run(String... args) {
    return command().execute(args);
  }

  /** The command line, for callers (tests) that redirect its output. */
  public static CommandLine command() {
    return new CommandLine(new Main()).setExecutionExceptionHandler(new ErrorHandler());
  }
}
