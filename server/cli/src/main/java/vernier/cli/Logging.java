package vernier.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggerContextListener;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.spi.LifeCycle;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import org.slf4j.event.Level;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The process's one logging backend. Libraries log through SLF4J (server, Java client, DJL worker,
 * DJL itself) or {@code System.Logger} (plugins, routed by {@code slf4j-jdk-platform-logging},
 * which the JDK finds on the class path); gRPC logs through {@code java.util.logging}, which {@link
 * #install} routes into SLF4J. Logback writes them all in the one format of {@code logback.xml}.
 */
final class Logging {

  /** The system property that carries the level to child JVMs and to {@code logback.xml}. */
  static final String LEVEL_PROPERTY = "vernier.log.level";

  private static final String ROOT = org.slf4j.Logger.ROOT_LOGGER_NAME;

  /** The levels {@code logback.xml} gives single loggers (quieted third parties), as configured. */
  private static Map<String, ch.qos.logback.classic.Level> configured;

  private Logging() {}

  /**
   * Routes {@code java.util.logging} into SLF4J, once, in place of its two-line console handler.
   */
  static synchronized void install() {
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
  }

  /**
   * Logs records at {@code level} and above, from every source; loggers that {@code logback.xml}
   * quiets stay at their own level where that is higher.
   */
  static synchronized void configure(Level level) {
    System.setProperty(LEVEL_PROPERTY, level.name());
    ch.qos.logback.classic.Level threshold = ch.qos.logback.classic.Level.toLevel(level.name());
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      if (configured == null) {
        configured = new HashMap<>();
        context.getLoggerList().stream()
            .filter(l -> l.getLevel() != null && l != context.getLogger(ROOT))
            .forEach(l -> configured.put(l.getName(), l.getLevel()));
      }
      configured.forEach(
          (name, own) ->
              context.getLogger(name).setLevel(own.isGreaterOrEqual(threshold) ? own : threshold));
      context.getLogger(ROOT).setLevel(threshold);
    }
    // JUL drops what is below this before building a record and handing it to the bridge
    java.util.logging.Logger.getLogger("").setLevel(julLevel(level));
  }

  /** The finest JUL level that the bridge maps to {@code level}. */
  private static java.util.logging.Level julLevel(Level level) {
    return switch (level) {
      case ERROR -> java.util.logging.Level.SEVERE;
      case WARN -> java.util.logging.Level.WARNING;
      case INFO -> java.util.logging.Level.INFO;
      case DEBUG -> java.util.logging.Level.FINER;
      case TRACE -> java.util.logging.Level.FINEST;
    };
  }

  /**
   * Declared in {@code logback.xml}: installs the JUL bridge as Logback starts, for the JVMs that
   * do not start through {@link Main} but use this configuration (the benchmarks, DJL's per-GPU
   * children).
   */
  public static final class JulBridge extends ContextAwareBase
      implements LoggerContextListener, LifeCycle {
    private volatile boolean started;

    @Override
    public void start() {
      install();
      started = true;
    }

    @Override
    public void stop() {
      started = false;
    }

    @Override
    public boolean isStarted() {
      return started;
    }

    @Override
    public boolean isResetResistant() {
      return true;
    }

    @Override
    public void onStart(LoggerContext context) {}

    @Override
    public void onReset(LoggerContext context) {}

    @Override
    public void onStop(LoggerContext context) {}

    @Override
    public void onLevelChange(
        ch.qos.logback.classic.Logger logger, ch.qos.logback.classic.Level level) {}
  }

  /** {@code --log-level}: error, warn, info, debug or trace, in any case. */
  static final class LevelConverter implements ITypeConverter<Level> {
    @Override
    public Level convert(String value) {
      try {
        return Level.valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(
            "expected one of error, warn, info, debug, trace but was '" + value + "'");
      }
    }
  }
}
