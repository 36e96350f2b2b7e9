package vernier.plugins.basic;

import java.util.List;
import vernier.spi.Pruner;
import vernier.spi.PrunerFactory;
import vernier.spi.SettingSpec;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;

/** {@code none}: never prunes. The default, so a study always has a pruner (no null checks). */
public final class NonePrunerFactory implements PrunerFactory {

  @Override
  public String name() {
    return "none";
  }

  @Override
  public String description() {
    return "Never prunes; every trial runs to the end.";
  }

  @Override
  public List<SettingSpec> settings() {
    return List.of();
  }

  @Override
  public Pruner create(StudyDefinition study, Settings settings) {
    return (view, trial, step) -> false;
  }
}
