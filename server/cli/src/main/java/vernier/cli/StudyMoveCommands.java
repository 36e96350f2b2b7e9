package vernier.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import vernier.client.VernierClient;
import vernier.v1.Study;
import vernier.v1.StudyRecord;

/**
 * {@code vernier study export | import | copy}: moving one study between servers (and so between
 * stores) through the API's {@code ExportStudy} and {@code RestoreStudy}. The file format is one
 * {@code StudyRecord} per line in protobuf's JSON mapping (docs/operations.md#moving-one-study).
 */
final class StudyMoveCommands {

  private StudyMoveCommands() {}

  /** The one export format so far; the option follows the {@code --format} convention. */
  enum ExportFormat {
    JSONL
  }

  /**
   * Counts the records of a transfer and reports on standard error, at most every two seconds, for
   * long ones; the first record (the study) says how many trials follow.
   */
  static final class Progress {
    private static final long EVERY_NANOS = 2_000_000_000L;
    private final PrintWriter err;
    private final String verb;
    private long total = -1;
    private long records;
    private long last = System.nanoTime();

    Progress(PrintWriter err, String verb) {
      this.err = err;
      this.verb = verb;
    }

    /** Counts {@code record} as written or sent, and returns it. */
    StudyRecord passed(StudyRecord record) {
      records++;
      if (record.hasStudy()) {
        total = record.getStudy().getTrialCount();
      }
      long now = System.nanoTime();
      if (now - last >= EVERY_NANOS && records > 1) {
        last = now;
        err.printf("%s %d of %d trials%n", verb, records - 1, total);
        err.flush();
      }
      return record;
    }

    /** Trials passed so far. */
    long trials() {
      return Math.max(0, records - 1);
    }

    /**
     * {@code records} as they are pulled, under {@code studyId} (when given), counted here: what an
     * upload sends.
     */
    Iterator<StudyRecord> counting(Iterator<StudyRecord> records, String studyId) {
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return records.hasNext();
        }

        @Override
        public StudyRecord next() {
          return passed(renamed(records.next(), studyId));
        }
      };
    }
  }

  /** Reads records with their line numbers, so a bad line is named; "-" is standard input. */
  static final class RecordsFile implements Iterator<StudyRecord>, AutoCloseable {
    private final String name;
    private final BufferedReader in;
    private String nextLine;
    private long line;

    RecordsFile(String file) throws IOException {
      this.name = file;
      this.in =
          file.equals("-")
              ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
              : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8);
      advance();
    }

    private void advance() {
      try {
        do {
          nextLine = in.readLine();
          line++;
        } while (nextLine != null && nextLine.isBlank());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + name + ": " + e.getMessage(), e);
      }
    }

    @Override
    public boolean hasNext() {
      return nextLine != null;
    }

    @Override
    public StudyRecord next() {
      if (nextLine == null) {
        throw new NoSuchElementException();
      }
      StudyRecord.Builder b = StudyRecord.newBuilder();
      try {
        JsonFormat.parser().merge(nextLine, b);
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalArgumentException(
            name
                + ":"
                + line
                + ": not a study export record ("
                + e.getMessage()
                + "); write the file with vernier study export");
      }
      advance();
      return b.build();
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /** The record with the study's id replaced by {@code studyId} (when given). */
  static StudyRecord renamed(StudyRecord record, String studyId) {
    if (studyId == null || !record.hasStudy()) {
      return record;
    }
    return record.toBuilder().setStudy(record.getStudy().toBuilder().setStudyId(studyId)).build();
  }

  /** Names the file's line for each {@code records[i]} the server refused. */
  static StatusRuntimeException withLines(StatusRuntimeException e, String file) {
    if (e.getStatus().getCode() != Status.Code.INVALID_ARGUMENT) {
      return e;
    }
    return Status.INVALID_ARGUMENT
        .withDescription(
            e.getStatus().getDescription() + " (records[i] is line i+1 of " + file + ")")
        .asRuntimeException();
  }

  static String restored(Study study, long trials) {
    return "restored "
        + study.getName()
        + ": "
        + trials
        + " trials ("
        + StudyCommand.counts(study.getTrialCounts())
        + "), "
        + study.getState();
  }

  /** A command that talks to one server. */
  abstract static class OneServer implements Callable<Integer> {
    @Mixin ServerOptions options;

    @Spec CommandSpec spec;

    PrintWriter err() {
      return spec.commandLine().getErr();
    }

    @Override
    public Integer call() throws Exception {
      try (VernierClient client = options.connect(java.time.Duration.ofSeconds(30))) {
        run(client);
      }
      return 0;
    }

    abstract void run(VernierClient client) throws Exception;
  }

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description = {
        "Write everything stored for a study (spec, state, seed, every trial with its numbers,"
            + " params, values, measurements, labels, attempts, lineage, times and lease) as"
            + " JSON lines, for `vernier study import` on this or another server.",
        "Running trials are exported with their leases: pause the study first for a consistent"
            + " move."
      })
  static final class Export extends OneServer {
    @Parameters(paramLabel = "STUDY")
    String study;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FILE",
        description = "Write to FILE (default: standard output).")
    Path output;

    @Option(
        names = "--format",
        paramLabel = "FORMAT",
        defaultValue = "jsonl",
        description = "jsonl: one StudyRecord per line in the API's JSON (default).")
    ExportFormat format;

    @Override
    void run(VernierClient client) throws Exception {
      String name = StudyCommand.name(study);
      Progress progress = new Progress(err(), "exported");
      Writer out =
          output == null
              ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8))
              : Files.newBufferedWriter(output, StandardCharsets.UTF_8);
      try {
        Iterator<StudyRecord> it = client.exportStudy(name);
        while (it.hasNext()) {
          out.write(OutputOptions.compactJson(progress.passed(it.next())));
          out.write('\n');
        }
      } finally {
        if (output == null) {
          out.flush();
        } else {
          out.close();
        }
      }
      if (output != null) {
        err().println("exported " + name + ": " + progress.trials() + " trials to " + output);
      }
    }
  }

  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description = {
        "Restore a study from a file written by `vernier study export` (\"-\": standard input):"
            + " all of it as it was, in one transaction, or nothing.",
        "The study id must be free on this server; --study-id stores it under another."
      })
  static final class Import extends OneServer {
    @Parameters(paramLabel = "FILE")
    String file;

    @Option(
        names = "--study-id",
        paramLabel = "ID",
        description = "Store the study under this id instead of the exported one.")
    String studyId;

    @Override
    void run(VernierClient client) throws Exception {
      Progress progress = new Progress(err(), "sent");
      Study study;
      try (RecordsFile records = new RecordsFile(file)) {
        study = client.restoreStudy(progress.counting(records, studyId), n -> {});
      } catch (StatusRuntimeException e) {
        throw withLines(e, file);
      }
      spec.commandLine().getOut().println(restored(study, progress.trials()));
      spec.commandLine().getOut().flush();
    }
  }

  @Command(
      name = "copy",
      mixinStandardHelpOptions = true,
      description = {
        "Copy a study from one server to another, streamed (export, then import, with nothing"
            + " written to disk here). To copy between databases without a server, use"
            + " `vernier db migrate --study ID`."
      })
  static final class Copy implements Callable<Integer> {
    @Parameters(paramLabel = "STUDY")
    String study;

    @Option(
        names = "--from",
        required = true,
        paramLabel = "HOST:PORT",
        description = "The server that has the study.")
    String from;

    @Option(
        names = "--to",
        required = true,
        paramLabel = "HOST:PORT",
        description = "The server to copy it to.")
    String to;

    @Option(
        names = "--study-id",
        paramLabel = "ID",
        description = "Store the copy under this id instead of the original's.")
    String studyId;

    @Mixin CredentialOptions credentials;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      requireServer("--from", from);
      requireServer("--to", to);
      Progress progress = new Progress(spec.commandLine().getErr(), "copied");
      try (VernierClient source = credentials.connect(from);
          VernierClient target = credentials.connect(to)) {
        Study copy =
            target.restoreStudy(
                progress.counting(source.exportStudy(StudyCommand.name(study)), studyId), n -> {});
        spec.commandLine().getOut().println(restored(copy, progress.trials()) + " on " + to);
      }
      return 0;
    }

    /** A database where a server is expected: say which command copies between databases. */
    private void requireServer(String flag, String value) {
      boolean database =
          value.contains("://") || value.endsWith(".db") || value.startsWith("jdbc:");
      if (database) {
        throw new IllegalArgumentException(
            flag
                + ": '"
                + value
                + "' is a database, not a server address (host:port); copy between databases"
                + " with: vernier db migrate --from SOURCE --to TARGET --study "
                + study);
      }
    }
  }
}
