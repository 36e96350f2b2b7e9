package vernier.cli;

import org.slf4j.event.Level;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/** {@code vernier}: the server, study administration, plugins and the demo. */
@Command(
    name = "vernier",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Hyperparameter tuning over gRPC: ask, report, tell.",
    subcommands = {
      ServerCommand.class,
      StudyCommand.class,
      DbCommand.class,
      AuthCommand.class,
      AgentCommand.class,
      vernier.djl.DjlWorker.class,
      PluginsCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main {

  static final String LOG_LEVEL = "--log-level";

  @Option(
      names = LOG_LEVEL,
      scope = ScopeType.INHERIT,
      paramLabel = "LEVEL",
      defaultValue = "${env:VERNIER_LOG_LEVEL:-info}",
      converter = Logging.LevelConverter.class,
      description =
          "Log records at this level and above, on stderr: error, warn, info, debug or trace"
              + " (default: ${DEFAULT-VALUE}, from VERNIER_LOG_LEVEL when set).")
  Level logLevel;

  public static void main(String[] args) {
    Logging.install(); // before anything logs: java.util.logging (gRPC) into the one backend
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
    return new CommandLine(new Main())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(new ErrorHandler())
        .setExecutionStrategy(
            parsed -> {
              Logging.configure(logLevel(parsed)); // before the subcommand runs
              return new CommandLine.RunLast().execute(parsed);
            });
  }

  /**
   * The last {@code --log-level} given, on the top-level command or a subcommand, else its default.
   */
  static Level logLevel(ParseResult parsed) {
    Level level = parsed.commandSpec().findOption(LOG_LEVEL).getValue();
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption(LOG_LEVEL)) {
        level = p.matchedOptionValue(LOG_LEVEL, level);
      }
    }
    return level;
  }
}
