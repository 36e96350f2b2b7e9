package vernier.server;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import vernier.spi.ParamValue;
import vernier.spi.Sampler;
import vernier.spi.SamplerFactory;
import vernier.spi.SamplingContext;
import vernier.spi.SettingSpec;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;
import vernier.spi.StudyView;
import vernier.spi.Suggestion;
import vernier.spi.Uniform;

/**
 * {@code test-scripted}: a sampler whose behaviour a test sets (a down or slow remote sampler,
 * say); by default it samples uniformly. Registered for this module's tests only.
 */
public final class ScriptedSamplerFactory implements SamplerFactory {

  /** Run before each suggestion; may throw (e.g. PluginUnavailableException) or block. */
  static volatile Runnable beforeSuggest = () -> {};

  /** Its answer; null: a uniform draw. */
  static volatile Map<String, ParamValue> fixedPoint;

  static final AtomicInteger calls = new AtomicInteger();

  /** Calls of suggestBatch: one per sampling job. */
  static final AtomicInteger batches = new AtomicInteger();

  static void reset() {
    batches.set(0);
    beforeSuggest = () -> {};
    fixedPoint = null;
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
    Sampler scripted =
        (view, context) -> {
          calls.incrementAndGet();
          beforeSuggest.run();
          Map<String, ParamValue> fixed = fixedPoint;
          if (fixed != null) {
            return Suggestion.of(fixed);
          }
          return Suggestion.of(
              view.definition()
                  .space()
                  .assign((p, a) -> Uniform.sample(p.domain(), context.random())));
        };
    return new Sampler() {
      @Override
      public Suggestion suggest(StudyView view, SamplingContext context) {
        return scripted.suggest(view, context);
      }

      @Override
      public List<Suggestion> suggestBatch(StudyView view, int count, SamplingContext context) {
        batches.incrementAndGet();
        return Sampler.super.suggestBatch(view, count, context);
      }
    };
  }
}
