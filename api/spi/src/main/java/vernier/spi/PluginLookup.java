package vernier.spi;

import java.util.Optional;

/**
 * The other plugins the server knows, by name, for wrapper plugins that delegate (a patient pruner
 * around a median pruner, a partial-fixed sampler around TPE).
 */
public interface PluginLookup {

  Optional<SamplerFactory> sampler(String name);

  Optional<PrunerFactory> pruner(String name);

  /** Finds nothing: for plugins created outside a server. */
  PluginLookup NONE =
      new PluginLookup() {
        @Override
        public Optional<SamplerFactory> sampler(String name) {
          return Optional.empty();
        }

        @Override
        public Optional<PrunerFactory> pruner(String name) {
          return Optional.empty();
        }
      };
}
