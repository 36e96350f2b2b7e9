package vernier.plugins.basic;

import java.util.List;
import vernier.spi.Sampler;
import vernier.spi.SamplerFactory;
import vernier.spi.SettingSpec;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;

/** {@code qmc}: scrambled Sobol or Halton points (see {@link QmcSampler}). */
public final class QmcSamplerFactory implements SamplerFactory {

  static final SettingSpec TYPE =
      SettingSpec.string("qmc_type", "sobol", "sobol (up to 1000 parameters) or halton (up to 40)")
          .choices("sobol", "halton");
  static final SettingSpec SCRAMBLE =
      SettingSpec.bool(
          "scramble",
          true,
          "randomise the sequence with the study seed (unscrambled Sobol starts at the corner 0, 0,"
              + " ...)");

  @Override
  public String name() {
    return "qmc";
  }

  @Override
  public String description() {
    return "Quasi-random search: scrambled Sobol or Halton points cover the space evenly.";
  }

  @Override
  public List<SettingSpec> settings() {
    return List.of(TYPE, SCRAMBLE);
  }

  @Override
  public Sampler create(StudyDefinition study, Settings given) {
    Settings settings = given.validate(name(), settings());
    String type = settings.getString(TYPE);
    int d = study.space().parameters().size();
    int max = type.equals("sobol") ? 1000 : 40;
    if (d > max) {
      throw new IllegalArgumentException(
          type + " supports at most " + max + " parameters, the study has " + d);
    }
    return new QmcSampler(
        study.space(), type.equals("sobol"), settings.getBoolean(SCRAMBLE), study.seed());
  }
}
