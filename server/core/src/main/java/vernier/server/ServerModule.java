package vernier.server;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.LoggerFactory;
import vernier.server.auth.Authenticator;
import vernier.server.health.Readiness;
import vernier.server.http.HttpModule;
import vernier.server.metrics.VernierMetrics;
import vernier.server.plugin.PluginLoader;
import vernier.server.plugin.PluginRegistry;
import vernier.server.spec.StudySpecs;
import vernier.server.storage.Store;
import vernier.server.storage.Stores;
import vernier.server.study.StudyExecutor;
import vernier.server.study.StudyRegistry;
import vernier.server.tls.ServerTls;

/**
 * The server's object graph, by feature. Tests override single bindings (plugins, clock) with
 * {@code Modules.override}. Nothing here does I/O in {@code configure()}: stores and plugins are
 * made by providers when the server is built.
 */
public final class ServerModule extends AbstractModule {

  private final ServerConfig config;

  public ServerModule(ServerConfig config) {
    this.config = config;
  }

  @Override
  protected void configure() {
    bind(ServerConfig.class).toInstance(config);
    install(new StorageModule());
    install(new PluginModule());
    install(new CoordinationModule());
    install(new HttpModule());
    bind(Readiness.Timing.class).toInstance(Readiness.Timing.DEFAULT);
  }

  /** Bearer-token authentication, when a tokens file is configured. */
  @Provides
  @Singleton
  Optional<Authenticator> authenticator(ServerConfig config) {
    return Optional.ofNullable(config.authTokens()).map(Authenticator::new);
  }

  /** TLS for both ports and forwarding, when configured; its files are checked here. */
  @Provides
  @Singleton
  Optional<ServerTls> tls(ServerConfig config) {
    return Optional.ofNullable(config.tls()).map(ServerTls::start);
  }

  /** Storage: SQLite by default, PostgreSQL for a PostgreSQL URL, in memory on request. */
  static final class StorageModule extends AbstractModule {
    @Provides
    @Singleton
    Store store(ServerConfig config, VernierMetrics metrics) {
      return Stores.open(
          config.database(),
          config.databasePasswordFile(),
          config.ownershipTtl(),
          System.getenv(),
          metrics);
    }
  }

  /** Plugins from the class path and the plugins directory. */
  static final class PluginModule extends AbstractModule {
    @Provides
    @Singleton
    PluginRegistry plugins(ServerConfig config) {
      PluginRegistry plugins = PluginLoader.load(config.pluginsDir());
      LoggerFactory.getLogger(VernierServer.class).info("plugins: {}", plugins.describe());
      return plugins;
    }
  }

  /** Study coordination: the registry, its executor, the clock and the spec compiler. */
  static final class CoordinationModule extends AbstractModule {
    @Override
    protected void configure() {
      bind(StudyRegistry.Listener.class).to(VernierMetrics.class);
    }

    @Provides
    @Singleton
    Clock clock() {
      return Clock.systemUTC();
    }

    @Provides
    @Singleton
    StudyExecutor executor() {
      return new StudyExecutor();
    }

    @Provides
    @Singleton
    StudySpecs specs(PluginRegistry plugins) {
      return new StudySpecs(plugins);
    }
  }
}
