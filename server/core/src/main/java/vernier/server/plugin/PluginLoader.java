package vernier.server.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
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
    refuseIfOthersMayWrite(pluginsDir, "the plugins directory");
    List<URL> jars = new ArrayList<>();
    try (Stream<Path> files = Files.list(pluginsDir)) {
      for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
        refuseIfOthersMayWrite(jar, "the plugin jar");
        jars.add(jar.toUri().toURL());
        log.info("plugin jar {} (sha256 {})", jar.toAbsolutePath(), sha256(jar));
      }
    } catch (MalformedURLException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list plugins directory " + pluginsDir, e);
    }
    return jars.isEmpty() ? parent : new URLClassLoader(jars.toArray(URL[]::new), parent);
  }

  /**
   * Plugin code runs with the server's rights: a directory or jar every user of the machine may
   * write is a way for any of them to run code in the server, so the server refuses to start.
   */
  private static void refuseIfOthersMayWrite(Path path, String what) {
    Set<PosixFilePermission> permissions;
    try {
      permissions = Files.getPosixFilePermissions(path);
    } catch (UnsupportedOperationException notPosix) {
      return; // Windows: ACLs, not checked here
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the permissions of " + path, e);
    }
    if (permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw new IllegalStateException(
          what
              + " "
              + path.toAbsolutePath()
              + " may be written by every user of this machine, so any of them could run code in"
              + " the server; fix it with: chmod o-w "
              + path.toAbsolutePath());
    }
  }

  /** The jar's SHA-256, logged so an operator can tell which build of a plugin is running. */
  private static String sha256(Path jar) throws IOException {
    try (InputStream in = Files.newInputStream(jar)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[65536];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256 in this JVM", e);
    }
  }
}
