package vernier.cli;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import vernier.server.plugin.PluginLoader;
import vernier.server.plugin.PluginRegistry;
import vernier.spi.PluginFactory;
import vernier.spi.SettingSpec;

/**
 * {@code vernier plugins}: the samplers and pruners this installation finds, with their settings.
 */
@Command(
    name = "plugins",
    mixinStandardHelpOptions = true,
    description =
        "List the samplers and pruners found on the class path and in the plugins directory.")
final class PluginsCommand implements Callable<Integer> {

  @Option(
      names = "--plugins-dir",
      defaultValue = "${env:VERNIER_PLUGINS_DIR:-plugins}",
      description = "Directory of plugin jars (default: ${DEFAULT-VALUE}).")
  Path pluginsDir;

  @Mixin OutputOptions output;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PluginRegistry registry = PluginLoader.load(pluginsDir);
    PrintWriter out = spec.commandLine().getOut();
    if (output.format() == OutputFormat.TABLE) {
      print(out, "Samplers", registry.samplers());
      out.println();
      print(out, "Pruners", registry.pruners());
      out.flush();
      return 0;
    }
    List<Struct> plugins = new ArrayList<>();
    registry.samplers().forEach(f -> plugins.add(plugin("sampler", f)));
    registry.pruners().forEach(f -> plugins.add(plugin("pruner", f)));
    Struct whole =
        Struct.newBuilder()
            .putFields(
                "plugins",
                Value.newBuilder()
                    .setListValue(
                        ListValue.newBuilder()
                            .addAllValues(
                                plugins.stream()
                                    .map(p -> Value.newBuilder().setStructValue(p).build())
                                    .toList()))
                    .build())
            .build();
    output.print(out, whole, plugins, () -> csv(plugins), () -> csv(plugins));
    return 0;
  }

  /**
   * One plugin as JSON (there is no plugin resource in the API, so this shape is the CLI's own):
   * kind, name, description and its settings with type, default, allowed values and description.
   */
  private static Struct plugin(String kind, PluginFactory f) {
    ListValue.Builder settings = ListValue.newBuilder();
    for (SettingSpec s : f.settings()) {
      String[] r = row(s);
      settings.addValues(
          Value.newBuilder()
              .setStructValue(
                  Struct.newBuilder()
                      .putFields("name", text(r[0]))
                      .putFields("type", text(r[1]))
                      .putFields("default", text(r[2]))
                      .putFields("allowed", text(r[3]))
                      .putFields("description", text(r[4]))));
    }
    return Struct.newBuilder()
        .putFields("kind", text(kind))
        .putFields("name", text(f.name()))
        .putFields("description", text(f.description()))
        .putFields("settings", Value.newBuilder().setListValue(settings).build())
        .build();
  }

  private static Value text(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }

  /** One row per setting (a plugin without settings gets one row with the setting cells empty). */
  private static Rows csv(List<Struct> plugins) {
    Rows rows =
        Rows.of(
            List.of(
                "kind", "plugin", "setting", "type", "default", "allowed", "setting_description"));
    for (Struct p : plugins) {
      String kind = p.getFieldsOrThrow("kind").getStringValue();
      String name = p.getFieldsOrThrow("name").getStringValue();
      List<Value> settings = p.getFieldsOrThrow("settings").getListValue().getValuesList();
      if (settings.isEmpty()) {
        rows = rows.with(List.of(kind, name, "", "", "", "", ""));
      }
      for (Value v : settings) {
        Struct s = v.getStructValue();
        rows =
            rows.with(
                List.of(
                    kind,
                    name,
                    s.getFieldsOrThrow("name").getStringValue(),
                    s.getFieldsOrThrow("type").getStringValue(),
                    s.getFieldsOrThrow("default").getStringValue(),
                    s.getFieldsOrThrow("allowed").getStringValue(),
                    s.getFieldsOrThrow("description").getStringValue()));
      }
    }
    return rows;
  }

  private static void print(
      PrintWriter out, String title, List<? extends PluginFactory> factories) {
    out.println(title + ":");
    for (PluginFactory f : factories) {
      out.printf("  %-12s %s%n", f.name(), f.description());
      List<String[]> rows = f.settings().stream().map(PluginsCommand::row).toList();
      String format = "      " + columns(rows) + "%s%n";
      for (String[] row : rows) {
        out.printf(format, (Object[]) row);
      }
    }
  }

  /** Name, type, default, allowed values (the range or choices the server checks), description. */
  private static String[] row(SettingSpec s) {
    return new String[] {
      s.name(),
      s.type().name().toLowerCase(Locale.ROOT),
      s.describeDefault(),
      s.allowed() instanceof SettingSpec.AnyValue ? "-" : s.allowed().describe(),
      s.description()
    };
  }

  /** Left-aligned columns as wide as their widest cell, but the last. */
  private static String columns(List<String[]> rows) {
    StringBuilder format = new StringBuilder();
    for (int c = 0; c < 4; c++) {
      int column = c;
      int width = Math.max(1, rows.stream().mapToInt(r -> r[column].length()).max().orElse(1));
      format.append("%-").append(width).append("s  ");
    }
    return format.toString();
  }
}
