package vernier.server;

import java.util.List;
import vernier.spi.Pruner;
import vernier.spi.PrunerFactory;
import vernier.spi.SettingSpec;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;

/**
 * {@code test-scripted}: a pruner whose behaviour a test sets (one that blocks or throws); by
 * default it never prunes. It runs on the study's thread, inside a batch. Registered for this
 * module's tests only.
 */
public final class ScriptedPrunerFactory implements PrunerFactory {

  /** Run before each decision; may throw or block. */
  static volatile Runnable beforePrune = () -> {};

  static void reset() {
    beforePrune = () -> {};
  }

  @Override
  public String name() {
    return "test-scripted";
  }

  @Override
  public String description() {
    return "a pruner scripted by the server tests";
  }

  @Override
  public List<SettingSpec> settings() {
    return List.of();
  }

  @Override
  public Pruner create(StudyDefinition study, Settings settings) {
    return (view, trial, step) -> {
      beforePrune.run();
      return false;
    };
  }
}
