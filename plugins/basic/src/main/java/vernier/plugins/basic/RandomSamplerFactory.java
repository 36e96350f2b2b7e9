package vernier.plugins.basic;

import java.util.List;
import vernier.spi.Sampler;
import vernier.spi.SamplerFactory;
import vernier.spi.SettingSpec;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;

/** {@code random}: independent uniform sampling. No settings. */
public final class RandomSamplerFactory implements SamplerFactory {

  @Override
  public String name() {
    return "random";
  }

  @Override
  public String description() {
    return "Independent uniform sampling (log-uniform on log scales); the baseline.";
  }

  @Override
  public List<SettingSpec> settings() {
    return List.of();
  }

  @Override
  public Sampler create(StudyDefinition study, Settings settings) {
    return new RandomSampler();
  }
}
