package vernier.server.storage;

/** The store rules on {@link MemoryStore}. */
final class MemoryStoreContractTest extends StoreContract {

  @Override
  protected Store openStore(Store.CommitListener listener) {
    return new MemoryStore();
  }

  @Override
  protected boolean durable() {
    return false;
  }
}
