package vernier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fields in which two study specs differ, as {@code path: stored vs requested} lines, so that
 * {@code study create} can say why an id is taken instead of only that it is.
 */
final class SpecDiff {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SpecDiff() {}

  static List<String> lines(MessageOrBuilder stored, MessageOrBuilder requested)
      throws InvalidProtocolBufferException {
    Map<String, String> a = flatten(stored);
    Map<String, String> b = flatten(requested);
    TreeMap<String, String> paths = new TreeMap<>();
    a.keySet().forEach(k -> paths.put(k, k));
    b.keySet().forEach(k -> paths.put(k, k));
    List<String> out = new ArrayList<>();
    for (String path : paths.keySet()) {
      String x = a.getOrDefault(path, "(unset)");
      String y = b.getOrDefault(path, "(unset)");
      if (!x.equals(y)) {
        out.add(path + ": " + x + " (stored) vs " + y + " (yours)");
      }
    }
    return out;
  }

  private static Map<String, String> flatten(MessageOrBuilder message)
      throws InvalidProtocolBufferException {
    try {
      JsonNode root =
          JSON.readTree(JsonFormat.printer().preservingProtoFieldNames().print(message));
      Map<String, String> out = new TreeMap<>();
      flatten("", root, out);
      return out;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void flatten(String path, JsonNode node, Map<String, String> out) {
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              e ->
                  flatten(
                      path.isEmpty() ? e.getKey() : path + "." + e.getKey(), e.getValue(), out));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        flatten(path + "[" + i + "]", node.get(i), out);
      }
    } else {
      out.put(path, node.isTextual() ? node.asText() : node.toString());
    }
  }
}
