package vernier.server.storage;

import org.junit.jupiter.api.BeforeEach;

/** The store rules on {@link PostgresStore}: a real PostgreSQL server, one database per test. */
final class PostgresStoreContractTest extends StoreContract {

  private PostgresUrl url;

  @BeforeEach
  void newDatabase() {
    url = LocalPostgres.shared().newDatabase();
  }

  @Override
  protected Store openStore(Store.CommitListener listener) {
    return new PostgresStore(url, LocalPostgres.PASSWORD, listener);
  }

  @Override
  protected boolean durable() {
    return true;
  }
}
