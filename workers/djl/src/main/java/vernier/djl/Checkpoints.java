package vernier.djl;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import vernier.client.VernierClient;
import vernier.v1.GetTrialRequest;
import vernier.v1.Trial;

/**
 * Checkpoints, one directory per trial:
 *
 * <pre>
 * ROOT/STUDY/trial-N/step-S/model-0000.params   weights after step S
 * ROOT/STUDY/trial-N/latest                      "S": the last complete checkpoint
 * </pre>
 *
 * A checkpoint is written into its own step directory and only then named in {@code latest} (an
 * atomic rename), so a crash mid-write leaves the previous checkpoint usable. Older step
 * directories are removed. A retried trial (attempt &gt; 1) resumes from the newest checkpoint along
 * its {@code retry_of} chain. Optimizer state (e.g. Adam's moments) is not saved: it restarts.
 */
final class Checkpoints {

  private final Path root;

  Checkpoints(Path root) {
    this.root = root;
  }

  Path directory(String study, long trial) {
    return root.resolve(study.replace("studies/", "")).resolve("trial-" + trial);
  }

  void save(Model model, Path dir, long step) throws IOException {
    Path stepDir = dir.resolve("step-" + step);
    Files.createDirectories(stepDir);
    model.save(stepDir, "model");
    Path tmp = dir.resolve("latest.tmp");
    Files.writeString(tmp, Long.toString(step));
    Files.move(tmp, dir.resolve("latest"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (Stream<Path> old = Files.list(dir)) {
      for (Path p : old.filter(p -> p.getFileName().toString().startsWith("step-") && !p.equals(stepDir)).toList()) {
        deleteTree(p);
      }
    }
  }

  /** A saved step to resume from. */
  record Saved(Path directory, long step) {}

  Optional<Saved> latest(Path dir) throws IOException {
    Path latest = dir.resolve("latest");
    if (!Files.exists(latest)) {
      return Optional.empty();
    }
    long step = Long.parseLong(Files.readString(latest).trim());
    return Optional.of(new Saved(dir.resolve("step-" + step), step));
  }

  /** The newest checkpoint of the trials this one retries (nearest first), if any. */
  Optional<Saved> forRetry(VernierClient client, Trial trial) throws IOException {
    Trial current = trial;
    while (current.getAttempt() > 1) {
      Trial previous = client.studies().getTrial(GetTrialRequest.newBuilder()
          .setName(current.getName().replaceAll("/trials/\\d+$", "/trials/" + current.getRetryOf())).build());
      Optional<Saved> saved = latest(directory(study(trial), previous.getNumber()));
      if (saved.isPresent()) {
        return saved;
      }
      current = previous;
    }
    return Optional.empty();
  }

  static void load(Model model, Saved saved) throws IOException {
    try {
      model.load(saved.directory(), "model");
    } catch (MalformedModelException e) {
      throw new IOException("checkpoint " + saved.directory() + " is unreadable: " + e.getMessage(), e);
    }
  }

  private static String study(Trial trial) {
    return trial.getName().replaceAll("/trials/\\d+$", "");
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> files = Files.walk(p)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
