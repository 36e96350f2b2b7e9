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
          "points per continuous float; integer and stepped ranges larger than this are thinned to"
              + " it");
  private static final SettingSpec SHUFFLE =
      SettingSpec.bool(
          "shuffle",
          true,
          "visit the grid in a seeded random order (better early coverage) instead of"
              + " lexicographically");
  private static final SettingSpec MAX_POINTS =
      SettingSpec.integer(
          "max_points", 1_000_000, "refuse grids larger than this (the grid is held in memory)");

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
  public Sampler create(StudyDefinition study, Settings settings) {
    int resolution = settings.getInt(RESOLUTION.name(), 5);
    if (resolution < 1) {
      throw new IllegalArgumentException(
          "setting 'resolution' of grid must be >= 1, got " + resolution);
    }
    int maxPoints = settings.getInt(MAX_POINTS.name(), 1_000_000);
    return new GridSampler(
        study.space(),
        resolution,
        settings.getBoolean(SHUFFLE.name(), true),
        study.seed(),
        maxPoints);
  }
}
