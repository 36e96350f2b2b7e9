package vernier.server.http;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.ProvidesIntoSet;
import vernier.server.health.Readiness;
import vernier.server.metrics.VernierMetrics;

/** The HTTP routes of the core server: health and metrics. Other features add their own routes. */
public final class HttpModule extends AbstractModule {

  @Override
  protected void configure() {
    Multibinder.newSetBinder(binder(), HttpRoute.class);
  }

  @ProvidesIntoSet
  HttpRoute liveness(Readiness readiness) {
    return HealthHandler.liveness(readiness);
  }

  @ProvidesIntoSet
  HttpRoute readiness(Readiness readiness) {
    return HealthHandler.readiness(readiness);
  }

  @ProvidesIntoSet
  HttpRoute metrics(VernierMetrics metrics) {
    return MetricsHandler.route(metrics);
  }
}
