package vernier.plugins.basic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.TreeMap;
import org.junit.jupiter.api.Test;

final class CurvesTest {

  private static TreeMap<Long, Double> curve(Object... stepsAndValues) {
    TreeMap<Long, Double> c = new TreeMap<>();
    for (int i = 0; i < stepsAndValues.length; i += 2) {
      c.put(
          ((Number) stepsAndValues[i]).longValue(), ((Number) stepsAndValues[i + 1]).doubleValue());
    }
    return c;
  }

  @Test
  void valueAt_isTheReportOrTheLineBetweenTwoReports() {
    TreeMap<Long, Double> c = curve(10, 4.0, 20, 2.0, 30, Double.NaN, 40, 1.0);
    assertThat(Curves.valueAt(c, 20)).isEqualTo(2.0);
    assertThat(Curves.valueAt(c, 15)).isEqualTo(3.0);
    assertThat(Curves.valueAt(c, 12)).isEqualTo(3.6);
  }

  @Test
  void valueAt_isNaNOutsideTheReportsAndNextToANaN() {
    TreeMap<Long, Double> c = curve(10, 4.0, 20, 2.0, 30, Double.NaN, 40, 1.0);
    assertThat(Curves.valueAt(c, 5)).isNaN();
    assertThat(Curves.valueAt(c, 45)).isNaN();
    assertThat(Curves.valueAt(c, 25)).isNaN();
    assertThat(Curves.valueAt(c, 35)).isNaN();
    assertThat(Curves.valueAt(new TreeMap<>(), 1)).isNaN();
  }
}
