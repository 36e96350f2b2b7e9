package vernier.plugins.basic;

import vernier.spi.Sampler;
import vernier.spi.SamplingContext;
import vernier.spi.StudyView;
import vernier.spi.Suggestion;
import vernier.spi.Uniform;

/**
 * Independent uniform sampling: log-uniform for log domains, uniform over the step grid for stepped
 * ones. The baseline of Bergstra and Bengio, "Random Search for Hyper-Parameter Optimization", JMLR
 * 13 (2012).
 */
final class RandomSampler implements Sampler {

  @Override
  public Suggestion suggest(StudyView study, SamplingContext context) {
    return Suggestion.of(
        study
            .definition()
            .space()
            .assign((parameter, assigned) -> Uniform.sample(parameter.domain(), context.random())));
  }
}
