package vernier.djl;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import vernier.client.StudyDirectories;
import vernier.client.VernierClient;
import vernier.v1.GetStudyRequest;
import vernier.v1.GetTrialRequest;
import vernier.v1.Trial;

/**
 * Checkpoints, one directory per trial:
 *
 * <pre>
 * ROOT/STUDY-CREATED/trial-N/step-S/model-0000.params   weights after step S
 * ROOT/STUDY-CREATED/trial-N/latest                      "S": the last complete checkpoint
 * </pre>
 *
 * STUDY is the study id and CREATED its creation time (seconds.nanoseconds), so a study deleted and
 * created again under the same id never loads the old one's checkpoints.
 *
 * <p>A checkpoint is written into a hidden temporary directory and renamed to {@code step-S} in one
 * atomic move, so a {@code step-S} directory is always complete: other trials may load it (a
 * population-based-training child loads its parent's) while this one is still saving. Only then is
 * it named in {@code latest} (an atomic rename), so a crash mid-write leaves the previous
 * checkpoint usable. Older step directories are removed. A trial starts from the newest checkpoint
 * along its {@code retry_of} chain when it is a retry, else from the one its {@code start_from}
 * names. Optimizer state (e.g. Adam's moments) is not saved: it restarts.
 */
final class Checkpoints {

  private final Path root;

  Checkpoints(Path root) {
    this.root = root;
  }

  /** The directory of a trial's checkpoints, {@code study} being {@link #studyDirectory}'s name. */
  Path directory(String study, long trial) {
    return root.resolve(study).resolve("trial-" + trial);
  }

  /**
   * The name of the trial's study directory: its id and creation time, asked of the server each
   * time (a cache would outlive a study deleted and created again while this worker runs).
   */
  static String studyDirectory(VernierClient client, Trial trial) {
    return StudyDirectories.name(
        client.studies().getStudy(GetStudyRequest.newBuilder().setName(study(trial)).build()));
  }

  void save(Model model, Path dir, long step) throws IOException {
    Files.createDirectories(dir);
    Path stepDir = dir.resolve("step-" + step);
    Path tmp = dir.resolve(".step-" + step + "-" + UUID.randomUUID());
    Files.createDirectory(tmp);
    model.save(tmp, "model");
    if (Files.exists(
        stepDir)) { // saved again (not in normal runs): move the old one aside, then replace it
      Files.move(stepDir, dir.resolve(".old-" + tmp.getFileName()), StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(tmp, stepDir, StandardCopyOption.ATOMIC_MOVE);
    Path latest = dir.resolve("latest.tmp");
    Files.writeString(latest, Long.toString(step));
    Files.move(
        latest,
        dir.resolve("latest"),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    try (Stream<Path> old = Files.list(dir)) {
      for (Path p : old.filter(p -> isStale(p, stepDir)).toList()) {
        deleteTree(p);
      }
    }
  }

  /** Older step directories, and what a crash or a replaced step left behind. */
  private static boolean isStale(Path p, Path current) {
    String name = p.getFileName().toString();
    return !p.equals(current)
        && (name.startsWith("step-") || name.startsWith(".step-") || name.startsWith(".old-"));
  }

  /** A saved checkpoint: the trial that saved it, where, and after which step. */
  record Saved(long trial, Path directory, long step) {

    /** {@code <trial>@<step>}, the value of the {@code started_from} label. */
    String label() {
      return trial + "@" + step;
    }
  }

  /** The last complete checkpoint of {@code trial}, if any. */
  Optional<Saved> latest(String study, long trial) throws IOException {
    Path dir = directory(study, trial);
    Path latest = dir.resolve("latest");
    if (!Files.exists(latest)) {
      return Optional.empty();
    }
    long step = Long.parseLong(Files.readString(latest).trim());
    return Optional.of(new Saved(trial, dir.resolve("step-" + step), step));
  }

  /**
   * Where {@code trial} starts: a retry (attempt &gt; 1) from the newest checkpoint along its
   * {@code retry_of} chain; otherwise, or when that chain saved none, from the checkpoint its
   * {@code start_from} names; empty: from scratch.
   *
   * @throws MissingCheckpointException when {@code start_from} names a checkpoint that is not here
   */
  Optional<Saved> start(VernierClient client, Trial trial, String study) throws IOException {
    Optional<Saved> resumed = forRetry(client, trial, study);
    if (resumed.isPresent() || !trial.hasStartFrom()) {
      return resumed;
    }
    return Optional.of(
        exactly(trial, study, trial.getStartFrom().getTrial(), trial.getStartFrom().getStep()));
  }

  /** The checkpoint {@code parent} saved at {@code step}, for {@code trial} to start from. */
  private Saved exactly(Trial trial, String study, long parent, long step) throws IOException {
    Path dir = directory(study, parent);
    Path stepDir = dir.resolve("step-" + step);
    if (!Files.isDirectory(stepDir)) {
      throw new MissingCheckpointException(
          "trial "
              + trial.getNumber()
              + " starts from the checkpoint of trial "
              + parent
              + " at step "
              + step
              + ", but there is none: "
              + stepDir
              + " does not exist (trial "
              + parent
              + " has "
              + available(dir)
              + " here)");
    }
    return new Saved(parent, stepDir, step);
  }

  private static String available(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return "no checkpoint directory";
    }
    try (Stream<Path> files = Files.list(dir)) {
      String steps =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.startsWith("step-"))
              .sorted()
              .collect(Collectors.joining(", "));
      return steps.isEmpty() ? "no checkpoint" : "only " + steps;
    }
  }

  /** The newest checkpoint of the trials this one retries (nearest first), if any. */
  Optional<Saved> forRetry(VernierClient client, Trial trial, String study) throws IOException {
    Trial current = trial;
    while (current.getAttempt() > 1) {
      Trial previous =
          client
              .studies()
              .getTrial(
                  GetTrialRequest.newBuilder()
                      .setName(
                          current
                              .getName()
                              .replaceAll("/trials/\\d+$", "/trials/" + current.getRetryOf()))
                      .build());
      Optional<Saved> saved = latest(study, previous.getNumber());
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
    } catch (MalformedModelException
        | EOFException e) { // e.g. saved by a model with more or fewer layers
      throw new IOException(
          "checkpoint "
              + saved.directory()
              + " does not fit this trial's model (or is damaged): "
              + e,
          e);
    }
  }

  static String study(Trial trial) {
    return trial.getName().replaceAll("/trials/\\d+$", "");
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> files = Files.walk(p)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }
}
