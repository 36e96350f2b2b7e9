package vernier.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import vernier.v1.PluginSpec;

final class PluginArgsTest {

  @Test
  void aNameAlone_hasNoSettings() {
    PluginSpec p = PluginArgs.parse("hyperband");
    assertThat(p.getName()).isEqualTo("hyperband");
    assertThat(p.getSettings().getFieldsCount()).isZero();
  }

  @Test
  void settingsAreTypedAsBooleansNumbersOrStrings() {
    PluginSpec p =
        PluginArgs.parse("tpe:multivariate=false:n_startup_trials=5:constraint_model=violation");
    assertThat(p.getName()).isEqualTo("tpe");
    assertThat(p.getSettings().getFieldsOrThrow("multivariate").getBoolValue()).isFalse();
    assertThat(p.getSettings().getFieldsOrThrow("n_startup_trials").getNumberValue()).isEqualTo(5);
    assertThat(p.getSettings().getFieldsOrThrow("constraint_model").getStringValue())
        .isEqualTo("violation");
  }

  @Test
  void malformedSettings_areNamed() {
    assertThatThrownBy(() -> PluginArgs.parse("hyperband:reduction_factor"))
        .hasMessageContaining(
            "setting 'reduction_factor' in 'hyperband:reduction_factor' is not key=value");
    assertThatThrownBy(() -> PluginArgs.parse(":x=1")).hasMessageContaining("has no name");
  }
}
