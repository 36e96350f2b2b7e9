package vernier.spi.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import vernier.spi.PluginFactory;
import vernier.spi.SettingSpec;
import vernier.spi.Settings;

final class PluginChecks {

  private PluginChecks() {}

  /**
   * A stable lower-case name, a description, unique settings whose defaults fit their own types.
   */
  static void checkFactory(PluginFactory factory) {
    assertThat(factory.name()).matches("[a-z][a-z0-9-]*");
    assertThat(factory.description()).isNotBlank();
    assertThat(factory.settings().stream().map(SettingSpec::name)).doesNotHaveDuplicates();
    for (SettingSpec spec : factory.settings()) {
      assertThat(spec.description()).as("description of %s", spec.name()).isNotBlank();
      if (spec.defaultValue() != null) {
        Settings.of(Map.of(spec.name(), spec.defaultValue()))
            .validate(factory.name(), factory.settings());
      }
    }
  }
}
