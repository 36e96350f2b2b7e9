package vernier.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
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
      for (SettingSpec s : f.settings()) {
        out.printf(
            "      %-18s %-8s %-10s %s%n",
            s.name(),
            s.type().name().toLowerCase(),
            s.defaultValue() == null ? "-" : s.defaultValue(),
            s.description());
      }
    }
  }
}
