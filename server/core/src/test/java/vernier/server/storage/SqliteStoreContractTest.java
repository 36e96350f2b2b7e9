package vernier.server.storage;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store rules on {@link SqliteStore}, one file per test. */
final class SqliteStoreContractTest extends StoreContract {

  @TempDir Path dir;

  @Override
  protected Store openStore(Store.CommitListener listener) {
    return new SqliteStore(dir.resolve("vernier.db"), listener);
  }

  @Override
  protected boolean durable() {
    return true;
  }
}
