package vernier.cli;

import io.grpc.StatusRuntimeException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/** Prints a failed command's cause as one clear line instead of a stack trace. */
final class ErrorHandler implements IExecutionExceptionHandler {

  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
    String message =
        e instanceof StatusRuntimeException s
            ? s.getStatus().getCode() == io.grpc.Status.Code.DEADLINE_EXCEEDED
                ? "no answer from the server in time (is it running? --server, --timeout)"
                : s.getStatus().getCode() + ": " + s.getStatus().getDescription()
            : e.getMessage() == null ? e.toString() : e.getMessage();
    cmd.getErr().println("vernier: " + message);
    return e instanceof StatusRuntimeException ? 2 : 1;
  }
}
