package vernier.spi;

/**
 * Makes pruners. Found with {@link java.util.ServiceLoader} through {@code
 * META-INF/services/vernier.spi.PrunerFactory}.
 */
public interface PrunerFactory extends PluginFactory {

  /**
   * Creates the pruner of one study. As {@link SamplerFactory#create(StudyDefinition, Settings)}:
   * start with {@code settings.validate(name(), settings())} and read values through their {@link
   * SettingSpec}.
   *
   * @throws IllegalArgumentException when a setting's value or the study does not suit this pruner
   */
  Pruner create(StudyDefinition study, Settings settings);

  /**
   * Creates the pruner with access to the other plugins; the server calls this one. Wrappers that
   * delegate to another pruner override it; others need not.
   */
  default Pruner create(StudyDefinition study, Settings settings, PluginLookup plugins) {
    return create(study, settings);
  }
}
