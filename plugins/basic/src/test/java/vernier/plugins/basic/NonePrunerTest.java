package vernier.plugins.basic;

import vernier.spi.PrunerFactory;
import vernier.spi.testkit.PrunerContractTest;

final class NonePrunerTest extends PrunerContractTest {

  @Override
  protected PrunerFactory factory() {
    return new NonePrunerFactory();
  }

  @Override
  protected boolean prunesLearningCurves() {
    return false;
  }
}
