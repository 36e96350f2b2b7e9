package vernier.plugins.cmaes;

import java.util.Map;
import vernier.spi.SamplerFactory;
import vernier.spi.Settings;
import vernier.spi.testkit.SamplerContractTest;

/** The contract again with a warm start (its source filled by random trials) and a set margin. */
final class CmaEsWarmStartContractTest extends SamplerContractTest {

  @Override
  protected SamplerFactory factory() {
    return new CmaEsSamplerFactory();
  }

  @Override
  protected Settings settings() {
    return Settings.of(
        Map.of("warm_start_trials", 8.0, "warm_start_gamma", 0.25, "margin_alpha", 0.1));
  }
}
