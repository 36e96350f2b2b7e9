package vernier.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class SettingsTest {

  private static final SettingSpec STARTUP =
      SettingSpec.integer("n_startup_trials", 10, "random trials").range(1, 10_000);
  private static final SettingSpec GAMMA =
      SettingSpec.number("gamma", 0.1, "fraction called good").above(0).below(1);
  private static final SettingSpec MODEL =
      SettingSpec.string("constraint_model", "ctpe", "model").choices("ctpe", "violation");
  private static final SettingSpec DIRECTION =
      SettingSpec.optional("direction", SettingSpec.Type.STRING, "way")
          .choicesIgnoringCase("minimize", "maximize");
  private static final SettingSpec STEPS =
      SettingSpec.integer("max_resource", 1, "steps").range(1, Long.MAX_VALUE);
  private static final SettingSpec ENDPOINT =
      SettingSpec.required("endpoint", SettingSpec.Type.STRING, "host:port");
  private static final List<SettingSpec> SPECS = List.of(STARTUP, GAMMA, MODEL, DIRECTION, STEPS);

  private static Settings validated(Map<String, ?> values) {
    return Settings.of(values).validate("tpe", SPECS);
  }

  @Test
  void validate_refusesAnUnknownKeyListingTheKnownOnes() {
    assertThatThrownBy(() -> validated(Map.of("gama", 0.2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "unknown setting 'gama' for tpe; accepted: constraint_model, direction, gamma,"
                + " max_resource, n_startup_trials");
  }

  @Test
  void validate_refusesAnIntegerAboveItsRange() {
    assertThatThrownBy(() -> validated(Map.of("n_startup_trials", 20_000.0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tpe: setting n_startup_trials must be an integer in [1, 10000], got 20000");
  }

  @Test
  void validate_refuses1e300ForAnIntegerWithTheSettingAndItsRange() {
    assertThatThrownBy(() -> validated(Map.of("n_startup_trials", 1e300)))
        .hasMessage("tpe: setting n_startup_trials must be an integer in [1, 10000], got 1e300")
        .hasMessageNotContaining("out of range");
  }

  @Test
  void validate_refusesNaNForANumber() {
    assertThatThrownBy(() -> validated(Map.of("gamma", Double.NaN)))
        .hasMessage("tpe: setting gamma must be a number in (0, 1), got NaN");
  }

  @Test
  void validate_refusesTheAbsenceOfARequiredSetting() {
    assertThatThrownBy(() -> Settings.empty().validate("remote", List.of(ENDPOINT)))
        .hasMessage("remote: setting endpoint must be a string, got nothing");
  }

  @Test
  void getters_returnTheSpecsDefaultsWhenAbsent() {
    Settings s = validated(Map.of());
    assertThat(s.getInt(STARTUP)).isEqualTo(10);
    assertThat(s.getDouble(GAMMA)).isEqualTo(0.1);
    assertThat(s.getString(MODEL)).isEqualTo("ctpe");
    assertThat(s.getString(DIRECTION)).isNull();
    assertThat(s.getLong(STEPS)).isEqualTo(1L);
    assertThat(s.isSet(STARTUP)).isFalse();
  }

  @Test
  void getters_returnTheGivenValues() {
    Settings s =
        validated(Map.of("n_startup_trials", 5.0, "gamma", 0.25, "max_resource", 3_000_000_000.0));
    assertThat(s.getInt(STARTUP)).isEqualTo(5);
    assertThat(s.getDouble(GAMMA)).isEqualTo(0.25);
    assertThat(s.getLong(STEPS)).isEqualTo(3_000_000_000L);
    assertThat(s.isSet(STARTUP)).isTrue();
  }

  @Test
  void getString_givesTheDeclaredSpellingOfAChoiceInAnyCase() {
    assertThat(validated(Map.of("direction", "MAXIMIZE")).getString(DIRECTION))
        .isEqualTo("maximize");
  }

  @Test
  void getters_checkValuesThatWereNotValidated() {
    Settings raw = Settings.of(Map.of("n_startup_trials", 1e300, "gamma", Double.NaN));
    assertThatThrownBy(() -> raw.getInt(STARTUP))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("setting n_startup_trials must be an integer in [1, 10000], got 1e300");
    assertThatThrownBy(() -> raw.getDouble(GAMMA))
        .hasMessage("setting gamma must be a number in (0, 1), got NaN");
  }

  @Test
  void getInt_onARangeBeyondInt_isAProgrammingError() {
    assertThatThrownBy(() -> validated(Map.of()).getInt(STEPS))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("max_resource");
  }

  @Test
  void getLong_ofASettingAbsentByDefault_isAProgrammingError() {
    SettingSpec optional = SettingSpec.optional("k", SettingSpec.Type.INTEGER, "k");
    assertThatThrownBy(() -> Settings.empty().getLong(optional))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void invalid_usesTheOneFormatForRulesBetweenSettings() {
    Settings s = validated(Map.of("max_resource", 3.0));
    assertThat(s.invalid(STEPS, "must be at least min_resource (5)"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tpe: setting max_resource must be at least min_resource (5), got 3");
  }

  @Test
  void getInt_withoutASpec_namesTheSettingAndTheIntRange() {
    assertThatThrownBy(() -> Settings.of(Map.of("k", 1e300)).getInt("k", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("setting k must be an integer in [-2147483648, 2147483647], got 1e300");
  }

  @Test
  void nestedSettings_areReadAsSettings() {
    SettingSpec wrapped = SettingSpec.optional("wrapped_settings", SettingSpec.Type.MAP, "inner");
    Settings s =
        Settings.of(Map.of("wrapped_settings", Map.of("gamma", 0.2)))
            .validate("patient", List.of(wrapped));
    assertThat(s.getSettings(wrapped).asMap()).containsEntry("gamma", 0.2);
    assertThat(Settings.empty().getSettings(wrapped).keys()).isEmpty();
  }
}
