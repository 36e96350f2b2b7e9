package vernier.server.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer thread that commits whatever writes have queued up in a single transaction (group
 * commit): durability costs one flush of the log per batch, not per request. A batch that fails is
 * retried one write at a time, so one bad write cannot fail its neighbours. The database stores
 * share it; each brings its connection and the translation of its errors.
 *
 * <p>Hand-written, not a library: it is a queue, a thread and a retry rule, tied to the store's
 * transaction boundaries, and no JDBC library offers group commit.
 */
final class GroupCommit implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);
  private static final int MAX_WRITES_PER_COMMIT = 512;

  /** SQL run inside the writer's transaction. */
  @FunctionalInterface
  interface Work {
    void run(Session session) throws SQLException;
  }

  /** Opens the writer's connection (again, after one broke). */
  @FunctionalInterface
  interface Connector {
    Connection open() throws SQLException;
  }

  /** The writer's connection and its prepared statements; only the writer thread uses it. */
  static final class Session {
    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    Session(Connection connection) {
      this.connection = connection;
    }

    Connection connection() {
      return connection;
    }

    /** The statement for {@code sql}, prepared once per connection. */
    PreparedStatement prepared(String sql) throws SQLException {
      PreparedStatement p = statements.get(sql);
      if (p == null) {
        p = connection.prepareStatement(sql);
        statements.put(sql, p);
      }
      return p;
    }

    void close() {
      try {
        connection.close();
      } catch (SQLException e) {
        log.debug("closing a writer connection: {}", e.getMessage());
      }
    }
  }

  private record Pending(Work work, CompletableFuture<Void> done) {}

  private static final Pending POISON = new Pending(s -> {}, new CompletableFuture<>());

  private final Connector connector;
  private final Function<Exception, StoreException> translate;
  private final Store.CommitListener listener;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private Session session;
  private volatile boolean closed;

  /**
   * @param connector opens the writer's connection; called again after a connection broke
   * @param translate turns a failed transaction's exception into the store's exception (a {@link
   *     StoreException.Conflict} for a uniqueness guard)
   * @param name the writer thread's name
   */
  GroupCommit(
      Connector connector,
      Function<Exception, StoreException> translate,
      Store.CommitListener listener,
      String name) {
    this.connector = connector;
    this.translate = translate;
    this.listener = listener;
    thread = new Thread(this::loop, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Runs {@code work} in the next transaction and returns once it is committed. */
  void write(Work work) {
    if (closed) {
      throw new StoreException("store is closed");
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    queue.add(new Pending(work, done));
    try {
      done.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for commit", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StoreException se) {
        throw se;
      }
      throw new StoreException("commit failed: " + e.getCause().getMessage(), e.getCause());
    }
  }

  private void loop() {
    List<Pending> batch = new ArrayList<>();
    while (true) {
      try {
        batch.add(queue.take());
        queue.drainTo(batch, MAX_WRITES_PER_COMMIT - 1);
        boolean stop = batch.remove(POISON);
        commit(batch);
        batch.clear();
        if (stop) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void commit(List<Pending> batch) {
    if (batch.isEmpty()) {
      return;
    }
    long start = System.nanoTime();
    try {
      transaction(batch);
      listener.committed(System.nanoTime() - start, batch.size());
      batch.forEach(p -> p.done().complete(null));
    } catch (SQLException | RuntimeException e) {
      if (batch.size() == 1) {
        batch.get(0).done().completeExceptionally(translate.apply(e));
        return;
      }
      for (Pending p : batch) { // find the culprit: each alone
        commit(List.of(p));
      }
    }
  }

  private void transaction(List<Pending> batch) throws SQLException {
    Session s = session();
    Connection c = s.connection();
    try {
      c.setAutoCommit(false);
      for (Pending p : batch) {
        p.work().run(s);
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      rollback(s);
      throw e;
    } finally {
      if (session == s) {
        c.setAutoCommit(true); // no transaction held open between batches
      }
    }
  }

  private Session session() throws SQLException {
    if (session == null) {
      session = new Session(connector.open());
    }
    return session;
  }

  /**
   * Rolls back a failed transaction; a connection that cannot even do that (the database went away)
   * is dropped, and the next batch opens a new one.
   */
  private void rollback(Session s) {
    try {
      s.connection().rollback();
      if (s.connection().isValid(2)) {
        return;
      }
    } catch (SQLException e) {
      log.debug("rollback failed: {}", e.getMessage());
    }
    s.close();
    session = null;
  }

  /** Commits what is queued, then stops the writer and closes its connection. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    queue.add(POISON);
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (session != null) {
      session.close();
    }
  }
}
