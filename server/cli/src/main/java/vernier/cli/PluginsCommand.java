package vernier.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PluginRegistry registry = PluginLoader.load(pluginsDir);
    PrintWriter out = spec.commandLine().getOut();
    print(out, "Samplers", registry.samplers());
    out.println();
    print(out, "Pruners", registry.pruners());
    out.flush();
    return 0;
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
