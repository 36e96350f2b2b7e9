package vernier.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line of a child JVM on the test class path, as {@code bin/vernier} runs one. */
final class ChildJvm {

  private ChildJvm() {}

  /** {@code java -Dai.djl.offline=true -cp <test class path> <mainClass> <args>}. */
  static List<String> command(String mainClass, List<String> args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true",
                "-cp",
                System.getProperty("java.class.path"),
                mainClass));
    command.addAll(args);
    return command;
  }

  /** {@code vernier <args>} in a child JVM. */
  static List<String> vernier(String... args) {
    return command(Main.class.getName(), List.of(args));
  }
}
