package vernier.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class UnitIntervalTest {

  @Test
  void integersGetEqualShares_andRoundTrip() {
    IntDomain d = IntDomain.range(1, 4);
    Map<ParamValue, Integer> counts = new HashMap<>();
    for (int k = 0; k < 400; k++) {
      counts.merge(UnitInterval.fromUnit(d, (k + 0.5) / 400), 1, Integer::sum);
    }
    assertThat(counts)
        .containsOnly(
            Map.entry(ParamValue.of(1L), 100),
            Map.entry(ParamValue.of(2L), 100),
            Map.entry(ParamValue.of(3L), 100),
            Map.entry(ParamValue.of(4L), 100));
    for (long v = 1; v <= 4; v++) {
      assertThat(UnitInterval.fromUnit(d, UnitInterval.toUnit(d, v))).isEqualTo(ParamValue.of(v));
    }
  }

  @Test
  void logScale_mapsTheLogarithm_categoriesAreSlices() {
    FloatDomain lr = FloatDomain.logScale(1e-4, 1);
    assertThat(UnitInterval.fromUnit(lr, 0.5).asDouble())
        .isCloseTo(1e-2, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(UnitInterval.toUnit(lr, 1e-3))
        .isCloseTo(0.25, org.assertj.core.data.Offset.offset(1e-12));
    CategoricalDomain c = CategoricalDomain.of(ParamValue.of("a"), ParamValue.of("b"));
    assertThat(UnitInterval.fromUnit(c, 0.49)).isEqualTo(ParamValue.of("a"));
    assertThat(UnitInterval.fromUnit(c, 1.0)).isEqualTo(ParamValue.of("b"));
  }
}
