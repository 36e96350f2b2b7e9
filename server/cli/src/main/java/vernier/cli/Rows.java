package vernier.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A header and rows of cells: what a command prints as a table or as CSV.
 *
 * @param header the column names
 * @param rows one list of cells per row, as long as the header
 */
record Rows(List<String> header, List<List<String>> rows) {

  Rows {
    header = List.copyOf(header);
    rows = List.copyOf(rows);
  }

  static Rows of(List<String> header) {
    return new Rows(header, List.of());
  }

  Rows with(List<String> row) {
    List<List<String>> more = new ArrayList<>(rows);
    more.add(List.copyOf(row));
    return new Rows(header, more);
  }
}
