package vernier.server.storage;

import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Copies studies from one store to another, row for row: the study (spec, state, seed, creation
 * time, trial counter), every trial as stored (the trial with its numbers, states, parameters,
 * values, labels, attempts, times and lineage, and its lease and ask request ids) and every
 * measurement. What {@link Store#loadStudy} returns from the copy equals what it returns from the
 * original ({@code vernier db migrate}; tested field by field).
 *
 * <p>Nothing is written when any study to copy already exists in the target: a copy never merges.
 * Each study is written in one transaction ({@link Store#restoreStudy}): a failed copy leaves no
 * part of a study behind.
 */
public final class StoreCopy {

  private final Store from;
  private final Store to;
  private final Consumer<String> progress;

  public StoreCopy(Store from, Store to, Consumer<String> progress) {
    this.from = from;
    this.to = to;
    this.progress = progress;
  }

  /** What one copy moved. */
  public record Copied(int studies, long trials, long measurements) {}

  /**
   * Copies the studies named (all when {@code ids} is empty).
   *
   * @throws StoreException naming the studies that exist in the target already, before anything is
   *     written; or the study that failed, with the ones copied before it intact
   */
  public Copied copy(List<String> ids) {
    List<StoredStudy> studies =
        from.listStudies().stream().filter(s -> ids.isEmpty() || ids.contains(s.id())).toList();
    Set<String> found = studies.stream().map(StoredStudy::id).collect(Collectors.toSet());
    List<String> missing = ids.stream().filter(id -> !found.contains(id)).toList();
    if (!missing.isEmpty()) {
      throw new StoreException("not in " + from.describe() + ": " + String.join(", ", missing));
    }
    Set<String> taken = to.listStudies().stream().map(StoredStudy::id).collect(Collectors.toSet());
    List<String> clash = found.stream().filter(taken::contains).sorted().toList();
    if (!clash.isEmpty()) {
      throw new StoreException(
          to.describe()
              + " already has "
              + String.join(", ", clash)
              + "; nothing was copied (delete them there first, or copy the others by name)");
    }
    long trials = 0;
    long measurements = 0;
    for (StoredStudy s : studies) {
      StudyData data =
          from.loadStudy(s.id())
              .orElseThrow(() -> new StoreException("study " + s.id() + " vanished while copying"));
      copyStudy(data);
      trials += data.trials().size();
      measurements += data.measurements().size();
      progress.accept(
          String.format(
              "copied study %s: %d trials, %d measurements",
              s.id(), data.trials().size(), data.measurements().size()));
    }
    return new Copied(studies.size(), trials, measurements);
  }

  private void copyStudy(StudyData data) {
    if (!to.restoreStudy(data)) {
      throw new StoreException(
          to.describe() + " got a study " + data.study().id() + " while copying; it was kept");
    }
  }
}
