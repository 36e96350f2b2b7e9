package vernier.server.study;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shared pool on which study mailboxes are drained. A study uses at most one thread at a time;
 * threads block while their batch commits, so the pool grows with the number of busy studies.
 */
public final class StudyExecutor implements Executor, AutoCloseable {

  private final AtomicInteger threads = new AtomicInteger();
  private final ExecutorService pool =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "vernier-study-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
          });

  @Override
  public void execute(Runnable command) {
    pool.execute(command);
  }

  @Override
  public void close() {
    pool.shutdown();
    try {
      pool.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
