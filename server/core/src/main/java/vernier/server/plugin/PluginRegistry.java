package vernier.server.plugin;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import vernier.spi.PluginFactory;
import vernier.spi.PluginLookup;
import vernier.spi.PrunerFactory;
import vernier.spi.SamplerFactory;

/** The samplers and pruners available to studies, by stable name. Built once at start-up. */
public final class PluginRegistry implements PluginLookup {

  private final Map<String, SamplerFactory> samplers;
  private final Map<String, PrunerFactory> pruners;

  public PluginRegistry(Collection<SamplerFactory> samplers, Collection<PrunerFactory> pruners) {
    this.samplers = byName("sampler", samplers);
    this.pruners = byName("pruner", pruners);
  }

  private static <F extends PluginFactory> Map<String, F> byName(
      String kind, Collection<F> factories) {
    Map<String, F> out = new TreeMap<>();
    for (F f : factories) {
      F previous = out.putIfAbsent(f.name(), f);
      if (previous != null) {
        throw new IllegalStateException(
            "two "
                + kind
                + " plugins are named '"
                + f.name()
                + "': "
                + previous.getClass().getName()
                + " and "
                + f.getClass().getName());
      }
    }
    return Collections.unmodifiableMap(out);
  }

  @Override
  public Optional<SamplerFactory> sampler(String name) {
    return Optional.ofNullable(samplers.get(name));
  }

  @Override
  public Optional<PrunerFactory> pruner(String name) {
    return Optional.ofNullable(pruners.get(name));
  }

  public List<SamplerFactory> samplers() {
    return List.copyOf(samplers.values());
  }

  public List<PrunerFactory> pruners() {
    return List.copyOf(pruners.values());
  }

  /** The plugins' names for a log line: {@code samplers [auto, gp, ...], pruners [median, ...]}. */
  public String describe() {
    return "samplers "
        + samplers().stream().map(SamplerFactory::name).sorted().toList()
        + ", pruners "
        + pruners().stream().map(PrunerFactory::name).sorted().toList();
  }
}
