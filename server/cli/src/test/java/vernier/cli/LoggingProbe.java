package vernier.cli;

import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * A child JVM for {@link LoggingFormatTest}: sets logging up as {@link Main} does, then logs
 * through each facade a Vernier process meets (SLF4J, System.Logger, java.util.logging as gRPC uses
 * it).
 */
final class LoggingProbe {

  private LoggingProbe() {}

  public static void main(String[] args) {
    if (args.length > 0) { // as vernier.cli.Main does; without: as the benchmarks' JVMs
      Logging.install();
      Logging.configure(Level.valueOf(args[0]));
    }
    LoggerFactory.getLogger("vernier.probe.Slf4jSource").info("slf4j info");
    LoggerFactory.getLogger("vernier.probe.Slf4jSource")
        .warn("slf4j warn with a cause", new IllegalStateException("boom"));
    System.getLogger("vernier.probe.SystemSource").log(System.Logger.Level.INFO, "system info");
    System.getLogger("vernier.probe.SystemSource").log(System.Logger.Level.DEBUG, "system debug");
    java.util.logging.Logger.getLogger("io.grpc.internal.JulSource").warning("grpc warning");
    java.util.logging.Logger.getLogger("io.grpc.internal.JulSource").info("grpc info");
    java.util.logging.Logger.getLogger("vernier.probe.JulSource").info("jul info");
    java.util.logging.Logger.getLogger("vernier.probe.JulSource").fine("jul fine");
    System.out.println("probe done");
  }
}
