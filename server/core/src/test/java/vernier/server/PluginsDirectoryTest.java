package vernier.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vernier.server.plugin.PluginLoader;
import vernier.server.plugin.PluginRegistry;
import vernier.v1.AskRequest;
import vernier.v1.CreateStudyRequest;
import vernier.v1.ParamValue;
import vernier.v1.PluginSpec;

/**
 * A sampler compiled here, packed into a jar and dropped into the plugins directory is found by the
 * server and used by a study; it is not on the test class path.
 */
final class PluginsDirectoryTest {

  private static final String SOURCE =
      """
      package acme;

      import java.util.List;
      import vernier.spi.*;

      public final class LowestSamplerFactory implements SamplerFactory {
        public String name() { return "acme-lowest"; }
        public String description() { return "Always the lowest value of every parameter."; }
        public List<SettingSpec> settings() { return List.of(); }
        public Sampler create(StudyDefinition study, Settings settings) {
          return (view, context) -> Suggestion.of(view.definition().space().assign((p, assigned) -> {
            if (p.domain() instanceof FloatDomain f) return ParamValue.of(f.min());
            if (p.domain() instanceof IntDomain i) return ParamValue.of(i.min());
            return ((CategoricalDomain) p.domain()).choices().get(0);
          }));
        }
      }
      """;

  @TempDir Path dir;

  private Path buildPluginJar() throws IOException {
    Path src = dir.resolve("src/acme/LowestSamplerFactory.java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, SOURCE);
    Path classes = dir.resolve("classes");
    Files.createDirectories(classes);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int rc =
        javac.run(
            null,
            null,
            null,
            "-d",
            classes.toString(),
            "-cp",
            System.getProperty("java.class.path"),
            src.toString());
    assertThat(rc).isZero();
    Path plugins = dir.resolve("plugins");
    Files.createDirectories(plugins);
    Path jar = plugins.resolve("acme-lowest.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
        Files.copy(f, out);
        out.closeEntry();
      }
      out.putNextEntry(new JarEntry("META-INF/services/vernier.spi.SamplerFactory"));
      write(out, "acme.LowestSamplerFactory\n");
      out.closeEntry();
    }
    return plugins;
  }

  private static void write(OutputStream out, String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void jarInPluginsDirectory_isLoadedAndUsedByAStudy() throws Exception {
    Path plugins = buildPluginJar();
    PluginRegistry registry = PluginLoader.load(plugins);
    assertThat(registry.sampler("acme-lowest")).isPresent();
    assertThat(registry.sampler("random")).isPresent(); // class path plugins still there

    ServerConfig config = new ServerConfig("127.0.0.1", 0, -1, ServerConfig.MEMORY, plugins);
    try (TestServer t = new TestServer(config)) {
      t.studies.createStudy(
          CreateStudyRequest.newBuilder()
              .setStudyId("s")
              .setSpec(Specs.basic().setSampler(PluginSpec.newBuilder().setName("acme-lowest")))
              .build());
      var params =
          t.workers
              .ask(AskRequest.newBuilder().setStudy("studies/s").build())
              .getAssignments(0)
              .getTrial()
              .getParamsMap();
      assertThat(params.get("lr")).isEqualTo(ParamValue.newBuilder().setDoubleValue(1e-5).build());
      assertThat(params.get("layers")).isEqualTo(ParamValue.newBuilder().setIntValue(1).build());
      assertThat(params.get("optimizer").getStringValue()).isEqualTo("adam");
    }
  }

  @Test
  void aDirectoryOrJarEveryUserMayWrite_isRefused_namingTheFix() throws Exception {
    Path plugins = buildPluginJar();
    Path jar = plugins.resolve("acme-lowest.jar");
    Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-rw-rw-"));
    assertThatThrownBy(() -> PluginLoader.load(plugins))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the plugin jar " + jar.toAbsolutePath())
        .hasMessageContaining("chmod o-w");
    Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
    Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThatThrownBy(() -> PluginLoader.load(plugins))
        .hasMessageContaining("the plugins directory " + plugins.toAbsolutePath());
    Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThat(PluginLoader.load(plugins).sampler("acme-lowest")).isPresent();
  }

  @Test
  void withoutTheDirectory_onlyClassPathPluginsAreFound() {
    PluginRegistry registry = PluginLoader.load(dir.resolve("missing"));
    assertThat(registry.samplers())
        .extracting(f -> f.name())
        .containsExactly(
            "grid",
            "nsga2",
            "nsga3",
            "partial-fixed",
            "pbt",
            "qmc",
            "random",
            "test-scripted"); // the last one: this module's test sampler (ScriptedSamplerFactory)
    assertThat(registry.pruners())
        .extracting(f -> f.name())
        .containsExactly(
            "hyperband",
            "median",
            "none",
            "patient",
            "percentile",
            "successive-halving",
            "test-scripted", // this module's test pruner (ScriptedPrunerFactory)
            "threshold",
            "wilcoxon");
  }
}
