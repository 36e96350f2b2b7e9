package vernier.spi.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import vernier.spi.PluginFactory;
import vernier.spi.SettingSpec;
import vernier.spi.Settings;

final class PluginChecks {

  private PluginChecks() {}

  /** A stable lower-case name, a description, unique and described settings. */
  static void checkFactory(PluginFactory factory) {
    assertThat(factory.name()).matches("[a-z][a-z0-9-]*");
    assertThat(factory.description()).isNotBlank();
    assertThat(factory.settings().stream().map(SettingSpec::name)).doesNotHaveDuplicates();
    for (SettingSpec spec : factory.settings()) {
      assertThat(spec.description()).as("description of %s", spec.name()).isNotBlank();
    }
  }

  /**
   * Every default is of its type and allowed by its own range or choices; a required setting has
   * none.
   */
  static void checkDefaults(PluginFactory factory) {
    for (SettingSpec spec : factory.settings()) {
      if (spec.required()) {
        assertThat(spec.defaultValue()).as("default of required %s", spec.name()).isNull();
      } else {
        assertThat(spec.allows(spec.defaultValue()))
            .as("default %s of %s is %s", spec.defaultValue(), spec.name(), spec.describe())
            .isTrue();
      }
    }
  }

  /**
   * For every setting with a range or choices, values just outside it (and NaN for a number, a
   * fraction for an integer, nothing for a required setting), each added to {@code base}, are
   * refused by {@code create} in the one message format: {@code <plugin>: setting <name> must be
   * <what it allows>, got <value>}.
   */
  static void checkRefusals(PluginFactory factory, Settings base, Consumer<Settings> create) {
    for (SettingSpec spec : factory.settings()) {
      for (Object bad : outside(spec)) {
        Map<String, Object> given = new HashMap<>(base.asMap());
        if (bad == ABSENT) {
          given.remove(spec.name());
        } else {
          given.put(spec.name(), bad);
        }
        assertThatThrownBy(() -> create.accept(Settings.of(given)))
            .as("%s = %s", spec.name(), bad)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith(
                factory.name() + ": setting " + spec.name() + " must be " + spec.describe())
            .hasMessageContaining(", got ");
      }
    }
  }

  private static final Object ABSENT = new Object();

  /** Values the spec refuses, next to the ones it allows. */
  static List<Object> outside(SettingSpec spec) {
    List<Object> out = new ArrayList<>();
    if (spec.required()) {
      out.add(ABSENT);
    }
    if (spec.allowed() instanceof SettingSpec.IntRange r) {
      out.add(Math.min((double) r.min() - 1, Math.nextDown((double) r.min())));
      out.add(Math.max((double) r.max() + 1, Math.nextUp((double) r.max())));
      out.add(r.min() + 0.5);
    } else if (spec.allowed() instanceof SettingSpec.NumberRange r) {
      out.add(Double.NaN);
      out.add(r.minIncluded() ? Math.nextDown(r.min()) : r.min());
      out.add(r.maxIncluded() ? Math.nextUp(r.max()) : r.max());
    } else if (spec.allowed() instanceof SettingSpec.Choices c) {
      out.add("not-" + c.values().get(0));
    }
    out.removeIf(v -> v != ABSENT && spec.allows(v));
    return out;
  }
}
