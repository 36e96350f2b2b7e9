package vernier.plugins.basic;

import java.util.List;
import vernier.spi.Sampler;
import vernier.spi.SamplerFactory;
import vernier.spi.SettingSpec;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;

/** {@code grid}: every combination of grid values, each exactly once; then the study is done. */
public final class GridSamplerFactory implements SamplerFactory {

  private static final SettingSpec RESOLUTION =
      SettingSpec.integer(
              "resolution",
              5,
              "points per continuous float; integer and stepped ranges larger than this are thinned"
                  + " to it")
          .atLeast(1);
  private static final SettingSpec SHUFFLE =
      SettingSpec.bool(
          "shuffle",
          true,
          "visit the grid in a seeded random order (better early coverage) instead of"
              + " lexicographically");
  private static final SettingSpec MAX_POINTS =
      SettingSpec.integer(
              "max_points", 1_000_000, "refuse grids larger than this (the grid is held in memory)")
          .atLeast(1);

  @Override
  public String name() {
    return "grid";
  }

  @Override
  public String description() {
    return "Exhaustive grid search; never repeats a point, ends the study when the grid is used"
        + " up.";
  }

  @Override
  public List<SettingSpec> settings() {
    return List.of(RESOLUTION, SHUFFLE, MAX_POINTS);
  }

  @Override
  public Sampler create(StudyDefinition study, Settings given) {
    Settings settings = given.validate(name(), settings());
    return new GridSampler(
        study.space(),
        settings.getInt(RESOLUTION),
        settings.getBoolean(SHUFFLE),
        study.seed(),
        settings.getInt(MAX_POINTS));
  }
}
