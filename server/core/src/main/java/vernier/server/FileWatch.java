package vernier.server;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a reload when files change (modification time or size), checked every period: certificates
 * and the tokens file are re-read without a restart. A change that cannot be used yet (a key
 * written before its certificate, a file half written) keeps what was loaded before, is logged
 * once, and is tried again next period. Hand-written: the JDK's WatchService misses changes made
 * through symlink swaps (how Kubernetes updates mounted secrets), and polling a few files is cheap.
 */
public final class FileWatch implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FileWatch.class);

  private static final ScheduledExecutorService POLLER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "vernier-file-watch");
            t.setDaemon(true);
            return t;
          });

  /** Re-reads what the files hold; throws when they cannot be used. */
  @FunctionalInterface
  public interface Reload {
    void run() throws Exception;
  }

  private final ScheduledFuture<?> task;
  private String seen;
  private String refused;

  /** Starts watching {@code files}; {@code what} names them in the log. */
  public FileWatch(String what, Duration every, Reload reload, Path... files) {
    this.seen = stamp(files);
    this.task =
        POLLER.scheduleWithFixedDelay(
            () -> check(what, reload, files),
            every.toMillis(),
            every.toMillis(),
            TimeUnit.MILLISECONDS);
  }

  private synchronized void check(String what, Reload reload, Path[] files) {
    String now = stamp(files);
    if (now.equals(seen)) {
      return;
    }
    try {
      reload.run();
      seen = now;
      log.info("{}: re-read {}", what, Arrays.toString(files));
    } catch (Exception e) {
      if (!now.equals(refused)) {
        refused = now;
        log.warn(
            "{}: {} changed but cannot be used ({}); keeping what was loaded before",
            what,
            Arrays.toString(files),
            e.getMessage());
      }
    }
  }

  private static String stamp(Path... files) {
    StringBuilder b = new StringBuilder();
    for (Path f : files) {
      File file = f.toFile();
      b.append(file.lastModified()).append('/').append(file.length()).append(';');
    }
    return b.toString();
  }

  @Override
  public void close() {
    task.cancel(false);
  }
}
