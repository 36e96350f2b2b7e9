package vernier.server.study;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shared pools of all studies: one drains study mailboxes (a study uses at most one thread at a
 * time; threads block while their batch commits, so the pool grows with the number of busy
 * studies), the other runs sampling jobs (at most one per study at a time; a remote sampler may
 * block its thread for its timeout, so this pool grows too rather than letting one study's sampler
 * hold up another's).
 */
public final class StudyExecutor implements Executor, AutoCloseable {

  private final ExecutorService mailboxes = pool("vernier-study-");
  private final ExecutorService sampling = pool("vernier-sampling-");

  private static ExecutorService pool(String prefix) {
    AtomicInteger threads = new AtomicInteger();
    return Executors.newCachedThreadPool(
        r -> {
          Thread t = new Thread(r, prefix + threads.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /** Drains a study's mailbox. */
  @Override
  public void execute(Runnable command) {
    mailboxes.execute(command);
  }

  /** Where sampling jobs run. */
  Executor sampling() {
    return sampling;
  }

  @Override
  public void close() {
    mailboxes.shutdown();
    sampling.shutdown();
    try {
      mailboxes.awaitTermination(5, TimeUnit.SECONDS);
      sampling.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
