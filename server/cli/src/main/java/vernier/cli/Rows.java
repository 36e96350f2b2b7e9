package vernier.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A header and rows of cells: what a command prints as a table or as CSV, built row by row. */
final class Rows {

  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  Rows(List<String> header) {
    this.header = List.copyOf(header);
  }

  /** Appends a row of cells, one per column of the header. */
  void add(List<String> row) {
    if (row.size() != header.size()) {
      throw new IllegalArgumentException(
          "a row of " + row.size() + " cells under " + header.size() + " columns");
    }
    rows.add(List.copyOf(row));
  }

  List<String> header() {
    return header;
  }

  List<List<String>> rows() {
    return Collections.unmodifiableList(rows);
  }
}
