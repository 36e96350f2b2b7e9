package vernier.spi;

import java.util.List;

/** What sampler and pruner factories share: a stable name, a description and declared settings. */
public interface PluginFactory {

  /**
   * The stable name studies store (e.g. {@code random}); it must never change. Lower case,
   * [a-z0-9-].
   */
  String name();

  /** One line for {@code vernier plugins}. */
  String description();

  /**
   * Every setting accepted, each with its type, default and allowed values; anything else, and any
   * value its spec does not allow, is rejected when a study is created.
   */
  List<SettingSpec> settings();
}
