package vernier.server;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import vernier.spi.Sampler;
import vernier.spi.SamplerFactory;
import vernier.spi.SettingSpec;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;
import vernier.spi.Suggestion;
import vernier.spi.Uniform;

/**
 * {@code test-scripted}: a sampler whose behaviour a test sets (a down or slow remote sampler,
 * say); by default it samples uniformly. Registered for this module's tests only.
 */
public final class ScriptedSamplerFactory implements SamplerFactory {

  /** Run before each suggestion; may throw (e.g. PluginUnavailableException) or block. */
  static volatile Runnable beforeSuggest = () -> {};

  static final AtomicInteger calls = new AtomicInteger();

  static void reset() {
    beforeSuggest = () -> {};
    calls.set(0);
  }

  @Override
  public String name() {
    return "test-scripted";
  }

  @Override
  public String description() {
    return "a sampler scripted by the server tests";
  }

  @Override
  public List<SettingSpec> settings() {
    return List.of();
  }

  @Override
  public Sampler create(StudyDefinition study, Settings settings) {
    return (view, context) -> {
      calls.incrementAndGet();
      beforeSuggest.run();
      return Suggestion.of(
          view.definition().space().assign((p, a) -> Uniform.sample(p.domain(), context.random())));
    };
  }
}
