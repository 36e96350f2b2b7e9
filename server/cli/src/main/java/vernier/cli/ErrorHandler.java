package vernier.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;
import vernier.client.RetryListener;

/** Prints a failed command's cause as one clear line instead of a stack trace. */
final class ErrorHandler implements IExecutionExceptionHandler {

  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
    String message =
        e instanceof StatusRuntimeException s
            ? grpc(s.getStatus(), cmd)
            : e.getMessage() == null ? e.toString() : e.getMessage();
    cmd.getErr().println("vernier: " + message);
    return e instanceof StatusRuntimeException ? 2 : 1;
  }

  private static String grpc(Status status, CommandLine cmd) {
    ServerOptions server = serverOptions(cmd);
    boolean noAnswer =
        status.getCode() == Status.Code.UNAVAILABLE
            || status.getCode() == Status.Code.DEADLINE_EXCEEDED;
    if (!noAnswer || server == null) {
      return status.getCode() + ": " + status.getDescription();
    }
    if (status.getCause() == null && status.getCode() == Status.Code.UNAVAILABLE) {
      // the server answered, and said it cannot serve now (a down remote sampler, a store failure)
      return "the server at " + server.server + " stayed unavailable: " + status.getDescription();
    }
    return "no answer from the server at "
        + server.server
        + " ("
        + server.source()
        + "): "
        + RetryListener.cause(status)
        + "; is it running there?";
  }

  /** The command's server options, if it has any. */
  private static ServerOptions serverOptions(CommandLine cmd) {
    return cmd.getCommandSpec().mixins().values().stream()
        .map(m -> m.userObject())
        .filter(ServerOptions.class::isInstance)
        .map(ServerOptions.class::cast)
        .findFirst()
        .orElse(null);
  }
}
