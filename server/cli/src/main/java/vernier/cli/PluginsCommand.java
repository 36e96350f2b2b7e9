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
      defaultValue = "${env:VERNIER_PLUGINS_DIR}",
      description =
          "Directory of plugin jars (default: VERNIER_PLUGINS_DIR, else plugins/ in the"
              + " installation, as for the server).")
  Path pluginsDir;

  @Mixin OutputOptions output;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PluginRegistry registry =
        PluginLoader.load(pluginsDir != null ? pluginsDir : ServerCommand.defaultPluginsDir());
    PrintWriter out = spec.commandLine().getOut();
    if (output.format() == OutputFormat.TABLE) {
      print(out, "Samplers", registry.samplers());
      out.println();
      print(out, "Pruners", registry.pruners());
      out.flush();
      return 0;
    }
    List<Struct> plugins = new ArrayList<>();
    Rows csv =
        new Rows(
            List.of(
                "kind", "plugin", "setting", "type", "default", "allowed", "setting_description"));
    registry.samplers().forEach(f -> list("sampler", f, plugins, csv));
    registry.pruners().forEach(f -> list("pruner", f, plugins, csv));
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
    output.print(out, whole, plugins, () -> csv, () -> csv);
    return 0;
  }

  /**
   * Adds a plugin to the JSON list (there is no plugin resource in the API, so this shape is the
   * CLI's own: kind, name, description and its settings) and to the CSV rows, one per setting (a
   * plugin without settings gets one row with the setting cells empty).
   */
  private static void list(String kind, PluginFactory f, List<Struct> plugins, Rows csv) {
    ListValue.Builder settings = ListValue.newBuilder();
    for (SettingSpec s : f.settings()) {
      List<String> r = row(s);
      settings.addValues(
          Value.newBuilder()
              .setStructValue(
                  Struct.newBuilder()
                      .putFields("name", text(r.get(0)))
                      .putFields("type", text(r.get(1)))
                      .putFields("default", text(r.get(2)))
                      .putFields("allowed", text(r.get(3)))
                      .putFields("description", text(r.get(4)))));
      List<String> line = new ArrayList<>(List.of(kind, f.name()));
      line.addAll(r);
      csv.add(line);
    }
    if (f.settings().isEmpty()) {
      csv.add(List.of(kind, f.name(), "", "", "", "", ""));
    }
    plugins.add(
        Struct.newBuilder()
            .putFields("kind", text(kind))
            .putFields("name", text(f.name()))
            .putFields("description", text(f.description()))
            .putFields("settings", Value.newBuilder().setListValue(settings).build())
            .build());
  }

  private static Value text(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }

  private static void print(
      PrintWriter out, String title, List<? extends PluginFactory> factories) {
    out.println(title + ":");
    for (PluginFactory f : factories) {
      out.printf("  %-12s %s%n", f.name(), f.description());
      OutputOptions.printAligned(
          out, f.settings().stream().map(PluginsCommand::row).toList(), "      ");
    }
  }

  /** Name, type, default, allowed values (the range or choices the server checks), description. */
  private static List<String> row(SettingSpec s) {
    return List.of(
        s.name(),
        s.type().name().toLowerCase(Locale.ROOT),
        s.describeDefault(),
        s.allowed() instanceof SettingSpec.AnyValue ? "-" : s.allowed().describe(),
        s.description());
  }
}
