package vernier.server.plugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vernier.spi.PrunerFactory;
import vernier.spi.SamplerFactory;

/**
 * The one place plugins are discovered: {@link ServiceLoader} over the server's class path plus
 * every jar in the plugins directory (each loaded in one shared child class loader, so a plugin jar
 * may hold several plugins and helper classes). Tests build a {@link PluginRegistry} directly
 * instead.
 */
public final class PluginLoader {

  private static final Logger log = LoggerFactory.getLogger(PluginLoader.class);

  private PluginLoader() {}

  /** Loads from the class path and, when {@code pluginsDir} exists, from the jars in it. */
  public static PluginRegistry load(Path pluginsDir) {
    ClassLoader loader = classLoader(pluginsDir);
    List<SamplerFactory> samplers = new ArrayList<>();
    List<PrunerFactory> pruners = new ArrayList<>();
    ServiceLoader.load(SamplerFactory.class, loader).forEach(samplers::add);
    ServiceLoader.load(PrunerFactory.class, loader).forEach(pruners::add);
    PluginRegistry registry = new PluginRegistry(samplers, pruners);
    log.debug("plugins: {}", registry.describe());
    return registry;
  }

  private static ClassLoader classLoader(Path pluginsDir) {
    ClassLoader parent = PluginLoader.class.getClassLoader();
    if (pluginsDir == null || !Files.isDirectory(pluginsDir)) {
      return parent;
    }
    List<URL> jars = new ArrayList<>();
    try (Stream<Path> files = Files.list(pluginsDir)) {
      for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
        jars.add(jar.toUri().toURL());
        log.debug("plugin jar {}", jar);
      }
    } catch (MalformedURLException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list plugins directory " + pluginsDir, e);
    }
    return jars.isEmpty() ? parent : new URLClassLoader(jars.toArray(URL[]::new), parent);
  }
}
