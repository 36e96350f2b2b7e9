package vernier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line of a training command's standard output, read as metrics when it is either a JSON object
 * ({@code {"step": 10, "loss": 0.31}}) or {@code key=value} pairs ({@code step=10 loss=0.31},
 * commas or spaces between pairs). {@code step} is optional; every other numeric field is a metric.
 * Any other line is ordinary output.
 */
record MetricLine(OptionalLong step, Map<String, Double> metrics) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PAIR =
      Pattern.compile("([A-Za-z_][A-Za-z0-9_./-]*)=(\\S+?)(?:[,\\s]+|$)");

  static Optional<MetricLine> parse(String line) {
    String text = line.strip();
    if (text.startsWith("{") && text.endsWith("}")) {
      return json(text);
    }
    return pairs(text);
  }

  private static Optional<MetricLine> json(String text) {
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (java.io.IOException e) {
      return Optional.empty();
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    OptionalLong step = OptionalLong.empty();
    for (var it = node.fields(); it.hasNext(); ) {
      var field = it.next();
      if (!field.getValue().isNumber()) {
        continue; // strings, flags: not metrics
      }
      if (field.getKey().equals("step")) {
        step = OptionalLong.of(field.getValue().asLong());
      } else {
        metrics.put(field.getKey(), field.getValue().asDouble());
      }
    }
    return metrics.isEmpty() ? Optional.empty() : Optional.of(new MetricLine(step, metrics));
  }

  private static Optional<MetricLine> pairs(String text) {
    Matcher m = PAIR.matcher(text);
    Map<String, Double> metrics = new LinkedHashMap<>();
    OptionalLong step = OptionalLong.empty();
    int end = 0;
    while (m.find() && m.start() == end) {
      end = m.end();
      Double value = number(m.group(2));
      if (value == null) {
        return Optional.empty();
      }
      if (m.group(1).equals("step")) {
        step = OptionalLong.of(value.longValue());
      } else {
        metrics.put(m.group(1), value);
      }
    }
    boolean whole = end == text.length();
    return whole && !metrics.isEmpty()
        ? Optional.of(new MetricLine(step, metrics))
        : Optional.empty();
  }

  private static Double number(String s) {
    try {
      return Double.valueOf(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
