package vernier.spi.testkit;

import java.util.Optional;
import java.util.ServiceLoader;
import vernier.spi.PluginLookup;
import vernier.spi.PrunerFactory;
import vernier.spi.SamplerFactory;

/** Finds plugins on the test class path, as the server would. */
public final class ServiceLoaderLookup implements PluginLookup {

  public static final ServiceLoaderLookup INSTANCE = new ServiceLoaderLookup();

  private ServiceLoaderLookup() {}

  @Override
  public Optional<SamplerFactory> sampler(String name) {
    return ServiceLoader.load(SamplerFactory.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(f -> f.name().equals(name))
        .findFirst();
  }

  @Override
  public Optional<PrunerFactory> pruner(String name) {
    return ServiceLoader.load(PrunerFactory.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(f -> f.name().equals(name))
        .findFirst();
  }
}
