package vernier.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import vernier.server.storage.Store;
import vernier.server.storage.StoreCopy;
import vernier.server.storage.Stores;

/** {@code vernier db}: work on a store directly, without a server. */
@Command(
    name = "db",
    mixinStandardHelpOptions = true,
    description = "Work on a database directly (no server).",
    subcommands = {DbCommand.Migrate.class})
final class DbCommand {

  /** {@code vernier db migrate --from vernier.db --to postgresql://...}. */
  @Command(
      name = "migrate",
      mixinStandardHelpOptions = true,
      description =
          "Copy every study (or those named with --study) from one database to another: SQLite to"
              + " PostgreSQL, back, or between two of either. Lossless: studies, trials with their"
              + " numbers, states, labels, leases and lineage, and every measurement. Refuses,"
              + " before writing anything, when a study exists in the target already. Stop the"
              + " server on a SQLite source or target first (it holds the file). PostgreSQL"
              + " passwords come from PGPASSWORD or ~/.pgpass (one line per host there).")
  static final class Migrate implements Callable<Integer> {

    @Option(
        names = "--from",
        required = true,
        paramLabel = "DB",
        description = "Source: a SQLite file or a PostgreSQL URL (as vernier server --db).")
    String from;

    @Option(
        names = "--to",
        required = true,
        paramLabel = "DB",
        description = "Target: a SQLite file (created if missing) or a PostgreSQL URL.")
    String to;

    @Option(
        names = "--study",
        paramLabel = "ID",
        description = "Copy only this study (repeatable; default: all).")
    List<String> studies = List.of();

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      if (from.equals(to)) {
        throw new IllegalArgumentException("--from and --to name the same database: " + from);
      }
      try (Store source =
              Stores.open(from, null, null, System.getenv(), Store.CommitListener.NONE);
          Store target = Stores.open(to, null, null, System.getenv(), Store.CommitListener.NONE)) {
        target
            .ownership()
            .advertise("vernier-db-migrate"); // claims of this copy, released at close
        StoreCopy.Copied copied =
            new StoreCopy(source, target, line -> spec.commandLine().getErr().println(line))
                .copy(studies);
        spec.commandLine()
            .getOut()
            .printf(
                "copied %d studies (%d trials, %d measurements) from %s to %s%n",
                copied.studies(),
                copied.trials(),
                copied.measurements(),
                source.describe(),
                target.describe());
      }
      return 0;
    }
  }
}
