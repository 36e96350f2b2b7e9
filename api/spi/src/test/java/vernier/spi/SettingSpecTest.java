package vernier.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

final class SettingSpecTest {

  private static final SettingSpec STARTUP =
      SettingSpec.integer("n_startup_trials", 10, "random trials").range(1, 10_000);
  private static final SettingSpec GAMMA =
      SettingSpec.number("gamma", 0.1, "fraction called good").above(0).below(1);

  @Test
  void check_refusesAnIntegerAboveItsRange() {
    assertThatThrownBy(() -> STARTUP.check("tpe", 10_001.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tpe: setting n_startup_trials must be an integer in [1, 10000], got 10001");
  }

  @Test
  void check_refusesAnIntegerBelowItsRange() {
    assertThatThrownBy(() -> STARTUP.check("tpe", 0.0))
        .hasMessage("tpe: setting n_startup_trials must be an integer in [1, 10000], got 0");
  }

  @Test
  void check_refuses1e300ForAnIntegerNamingTheRealRange() {
    assertThatThrownBy(() -> STARTUP.check("tpe", 1e300))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tpe: setting n_startup_trials must be an integer in [1, 10000], got 1e300");
  }

  @Test
  void check_refuses1e300EvenForAnIntegerUpToLongMax() {
    SettingSpec steps = SettingSpec.integer("max_resource", 1, "steps").range(1, Long.MAX_VALUE);
    assertThatThrownBy(() -> steps.check("bohb", 1e300))
        .hasMessage(
            "bohb: setting max_resource must be an integer in [1, 9223372036854775807], got 1e300");
    assertThatThrownBy(() -> steps.check("bohb", 0x1p63))
        .hasMessageContaining("must be an integer in [1, 9223372036854775807]");
    assertThatCode(() -> steps.check("bohb", Long.MAX_VALUE)).doesNotThrowAnyException();
  }

  @Test
  void check_refusesAFractionForAnInteger() {
    assertThatThrownBy(() -> STARTUP.check("tpe", 2.5))
        .hasMessage("tpe: setting n_startup_trials must be an integer in [1, 10000], got 2.5");
  }

  @Test
  void check_refusesInfinityForAnInteger() {
    assertThatThrownBy(() -> STARTUP.check("tpe", Double.POSITIVE_INFINITY))
        .hasMessage("tpe: setting n_startup_trials must be an integer in [1, 10000], got inf");
  }

  @Test
  void check_acceptsTheBoundsOfAClosedIntegerRange() {
    assertThatCode(() -> STARTUP.check("tpe", 1.0)).doesNotThrowAnyException();
    assertThatCode(() -> STARTUP.check("tpe", 10_000L)).doesNotThrowAnyException();
    assertThatCode(() -> STARTUP.check("tpe", 7)).doesNotThrowAnyException();
  }

  @Test
  void check_refusesNaNForANumber() {
    assertThatThrownBy(() -> GAMMA.check("tpe", Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tpe: setting gamma must be a number in (0, 1), got NaN");
  }

  @Test
  void check_refusesNaNForAnUnboundedNumber() {
    SettingSpec lower = SettingSpec.number("lower", Double.NEGATIVE_INFINITY, "bound");
    assertThatThrownBy(() -> lower.check("threshold", Double.NaN))
        .hasMessage("threshold: setting lower must be a number, got NaN");
    assertThatCode(() -> lower.check("threshold", Double.NEGATIVE_INFINITY))
        .doesNotThrowAnyException();
  }

  @Test
  void check_refusesTheExcludedBoundsOfAnOpenRange() {
    assertThatThrownBy(() -> GAMMA.check("tpe", 0.0))
        .hasMessage("tpe: setting gamma must be a number in (0, 1), got 0");
    assertThatThrownBy(() -> GAMMA.check("tpe", 1.0))
        .hasMessage("tpe: setting gamma must be a number in (0, 1), got 1");
    assertThatCode(() -> GAMMA.check("tpe", Math.nextUp(0.0))).doesNotThrowAnyException();
  }

  @Test
  void check_refusesInfinityBeyondAFiniteUpperBound() {
    SettingSpec delta =
        SettingSpec.number("min_delta", 0, "setback").atLeast(0).below(Double.POSITIVE_INFINITY);
    assertThatThrownBy(() -> delta.check("patient", Double.POSITIVE_INFINITY))
        .hasMessage("patient: setting min_delta must be a number in [0, inf), got inf");
    assertThatCode(() -> delta.check("patient", Double.MAX_VALUE)).doesNotThrowAnyException();
  }

  @Test
  void check_refusesAValueOfTheWrongType() {
    assertThatThrownBy(() -> GAMMA.check("tpe", "high"))
        .hasMessage("tpe: setting gamma must be a number in (0, 1), got 'high'");
    assertThatThrownBy(() -> SettingSpec.bool("multivariate", true, "joint").check("tpe", "yes"))
        .hasMessage("tpe: setting multivariate must be true or false, got 'yes'");
  }

  @Test
  void check_refusesAStringOutsideItsChoices() {
    SettingSpec model =
        SettingSpec.string("constraint_model", "ctpe", "model").choices("ctpe", "violation");
    assertThatThrownBy(() -> model.check("tpe", "penalty"))
        .hasMessage("tpe: setting constraint_model must be one of ctpe, violation, got 'penalty'");
    assertThatThrownBy(() -> model.check("tpe", "CTPE")).hasMessageContaining("got 'CTPE'");
  }

  @Test
  void check_acceptsChoicesInAnyCaseWhenAsked() {
    SettingSpec direction =
        SettingSpec.optional("direction", SettingSpec.Type.STRING, "way")
            .choicesIgnoringCase("minimize", "maximize");
    assertThatCode(() -> direction.check("median", "MAXIMIZE")).doesNotThrowAnyException();
    assertThatThrownBy(() -> direction.check("median", "up"))
        .hasMessage(
            "median: setting direction must be one of minimize, maximize (any case), got 'up'");
  }

  @Test
  void check_acceptsTheSpecialValueOutsideTheRange() {
    SettingSpec population =
        SettingSpec.integer("population_size", 0, "0 = auto").atLeast(4).alsoAllowing(0);
    assertThatCode(() -> population.check("cmaes", 0.0)).doesNotThrowAnyException();
    assertThatCode(() -> population.check("cmaes", 4.0)).doesNotThrowAnyException();
    assertThatThrownBy(() -> population.check("cmaes", 2.0))
        .hasMessage(
            "cmaes: setting population_size must be 0 or an integer in [4, 2147483647], got 2");
  }

  @Test
  void check_refusesTheAbsenceOfARequiredSetting() {
    SettingSpec endpoint = SettingSpec.required("endpoint", SettingSpec.Type.STRING, "host:port");
    assertThatThrownBy(() -> endpoint.check("remote", null))
        .hasMessage("remote: setting endpoint must be a string, got nothing");
    assertThat(endpoint.describeDefault()).isEqualTo("required");
  }

  @Test
  void check_acceptsTheAbsenceOfAnOptionalSetting() {
    SettingSpec metric = SettingSpec.optional("metric", SettingSpec.Type.STRING, "metric");
    assertThatCode(() -> metric.check("median", null)).doesNotThrowAnyException();
    assertThat(metric.defaultValue()).isNull();
    assertThat(metric.describeDefault()).isEqualTo("absent");
  }

  @Test
  void integerSettings_allowEveryIntUntilNarrowed() {
    SettingSpec plain = SettingSpec.integer("k", 3, "k");
    assertThat(plain.allowed()).isEqualTo(SettingSpec.IntRange.INT);
    assertThat(plain.atLeast(0).describe()).isEqualTo("an integer in [0, 2147483647]");
    assertThat(plain.atMost(5).describe()).isEqualTo("an integer in [-2147483648, 5]");
  }

  @Test
  void numberWithers_buildTheRangeTheyName() {
    SettingSpec x = SettingSpec.number("x", 0.5, "x");
    assertThat(x.describe()).isEqualTo("a number");
    assertThat(x.range(0, 1).describe()).isEqualTo("a number in [0, 1]");
    assertThat(x.atLeast(0.01).atMost(0.5).describe()).isEqualTo("a number in [0.01, 0.5]");
    assertThat(x.above(0).describe()).isEqualTo("a number in (0, inf]");
    assertThat(x.atLeast(0).below(0.5).allowed())
        .isEqualTo(new SettingSpec.NumberRange(0, true, 0.5, false));
  }

  @Test
  void defaults_areNormalisedToLongAndDouble() {
    assertThat(SettingSpec.integer("k", 3, "k").defaultValue()).isEqualTo(3L);
    assertThat(SettingSpec.number("x", 3, "x").defaultValue()).isEqualTo(3.0);
    assertThat(new SettingSpec("k", SettingSpec.Type.INTEGER, 3, "k").defaultValue()).isEqualTo(3L);
  }

  @Test
  void aRangeOnTheWrongType_isAProgrammingError() {
    assertThatThrownBy(() -> SettingSpec.integer("k", 3, "k").above(0.5))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> SettingSpec.bool("b", true, "b").atLeast(1))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> SettingSpec.integer("k", 3, "k").choices("a"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aDefaultOfTheWrongType_isRefused() {
    assertThatThrownBy(() -> new SettingSpec("k", SettingSpec.Type.INTEGER, "three", "k"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("k");
  }

  @Test
  void allows_tellsWhetherTheDefaultFitsItsOwnRange() {
    assertThat(STARTUP.allows(STARTUP.defaultValue())).isTrue();
    SettingSpec wrong = SettingSpec.integer("k", 0, "k").atLeast(1);
    assertThat(wrong.allows(wrong.defaultValue())).isFalse();
  }

  @Test
  void describeDefault_showsValuesWithoutNoise() {
    assertThat(STARTUP.describeDefault()).isEqualTo("10");
    assertThat(GAMMA.describeDefault()).isEqualTo("0.1");
    assertThat(SettingSpec.number("lower", Double.NEGATIVE_INFINITY, "b").describeDefault())
        .isEqualTo("-inf");
    assertThat(SettingSpec.string("m", "ctpe", "m").describeDefault()).isEqualTo("ctpe");
  }
}
