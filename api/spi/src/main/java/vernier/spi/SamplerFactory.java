package vernier.spi;

/**
 * Makes samplers. Implementations are found with {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/vernier.spi.SamplerFactory} and give it a public no-argument
 * constructor.
 */
public interface SamplerFactory extends PluginFactory {

  /**
   * Creates the sampler of one study. Start with {@code settings.validate(name(), settings())} (the
   * server has done so too, but tests and wrappers call this directly) and read the values with the
   * {@link SettingSpec} getters such as {@link Settings#getInt(SettingSpec)}, which take the
   * defaults from the specs; refuse rules between settings with {@link Settings#invalid}.
   *
   * @throws IllegalArgumentException when a setting's value or the study does not suit this
   *     sampler; the message reaches the user who created the study
   */
  Sampler create(StudyDefinition study, Settings settings);

  /**
   * Creates the sampler with access to the other plugins; the server calls this one. Wrappers that
   * delegate to another sampler override it; others need not.
   */
  default Sampler create(StudyDefinition study, Settings settings, PluginLookup plugins) {
    return create(study, settings);
  }
}
