package vernier.cli;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * {@code --format table|json|jsonl|csv} (and {@code --json}, its older spelling) and the printing
 * that goes with it: the one output convention of the commands that print data.
 */
final class OutputOptions {

  /** Leaves the command's writer open: the command, not the CSV writer, owns it. */
  private static final CsvMapper CSV =
      CsvMapper.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "table",
      description =
          "Output: table, json (the API's JSON), jsonl (one JSON object per line) or csv"
              + " (default: ${DEFAULT-VALUE}).")
  OutputFormat format = OutputFormat.TABLE;

  @Option(names = "--json", description = "Same as --format json.")
  boolean json;

  OutputFormat format() {
    return json ? OutputFormat.JSON : format;
  }

  /**
   * Prints in the chosen format.
   *
   * @param whole the API response (json)
   * @param items its studies or trials (jsonl)
   * @param table the rows people read (table)
   * @param csv the rows for spreadsheets and pandas (csv): one column per field
   */
  void print(
      PrintWriter out,
      MessageOrBuilder whole,
      List<? extends MessageOrBuilder> items,
      Supplier<Rows> table,
      Supplier<Rows> csv)
      throws IOException {
    switch (format()) {
      case JSON -> out.println(JsonFormat.printer().print(whole));
      case JSONL -> {
        for (MessageOrBuilder item : items) {
          out.println(compactJson(item));
        }
      }
      case TABLE -> printTable(out, table.get());
      case CSV -> printCsv(out, csv.get());
    }
    out.flush();
  }

  static String compactJson(MessageOrBuilder message) throws InvalidProtocolBufferException {
    return JsonFormat.printer().omittingInsignificantWhitespace().print(message);
  }

  /** The header and the rows, in columns (see {@link #printAligned}). */
  static void printTable(PrintWriter out, Rows rows, String indent) {
    List<List<String>> lines = new ArrayList<>();
    lines.add(rows.header());
    lines.addAll(rows.rows());
    printAligned(out, lines, indent);
  }

  static void printTable(PrintWriter out, Rows rows) {
    printTable(out, rows, "");
  }

  /**
   * Lines of cells in columns padded to their widest cell, two spaces apart; the last column is not
   * padded. Every line starts with {@code indent}.
   */
  static void printAligned(PrintWriter out, List<List<String>> lines, String indent) {
    int columns = lines.stream().mapToInt(List::size).max().orElse(0);
    int[] widths = new int[columns];
    for (List<String> line : lines) {
      for (int c = 0; c < line.size(); c++) {
        widths[c] = Math.max(widths[c], line.get(c).length());
      }
    }
    for (List<String> cells : lines) {
      StringBuilder line = new StringBuilder(indent);
      for (int c = 0; c < cells.size(); c++) {
        String cell = cells.get(c);
        line.append(cell);
        if (c < cells.size() - 1) {
          line.append(" ".repeat(widths[c] - cell.length() + 2));
        }
      }
      out.println(line.toString().stripTrailing());
    }
  }

  static void printCsv(PrintWriter out, Rows rows) throws IOException {
    try (SequenceWriter writer =
        CSV.writer(CsvSchema.emptySchema().withLineSeparator("\n")).writeValues(out)) {
      writer.write(rows.header());
      for (List<String> row : rows.rows()) {
        writer.write(row);
      }
    }
  }
}
