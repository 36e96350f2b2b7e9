package vernier.cli;

/**
 * How a command prints data: the one convention of every CLI command that prints data ({@code
 * --format}). JSON shapes are always the API's protobuf JSON mapping, so scripts read the CLI and
 * the API alike.
 */
enum OutputFormat {
  /** Aligned columns for people. */
  TABLE,
  /** The API response as one pretty-printed protobuf JSON document. */
  JSON,
  /** One compact protobuf JSON object per line: each study or trial. */
  JSONL,
  /** RFC 4180 CSV with a header row, one column per field, metric and parameter. */
  CSV
}
