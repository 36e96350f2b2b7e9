package vernier.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks a study file's tree against the protobuf message it must fill, before protobuf's own
 * parser sees it, so that a typo gets an answer a person can act on: where it is ({@code
 * file:line:column}), the field path, the fields that exist and the likely one. Enum values are
 * matched regardless of case ({@code direction: minimize}) and rewritten to their proto names.
 */
final class ProtoShape {

  private final Path file;
  private final LocatedTree tree;

  ProtoShape(Path file, LocatedTree tree) {
    this.file = file;
    this.tree = tree;
  }

  /**
   * @throws IllegalArgumentException at the first field that does not fit
   */
  void check(Descriptor message) {
    check(message, tree.root(), "");
  }

  private void check(Descriptor message, JsonNode node, String path) {
    if (isFreeForm(message)) {
      return; // Struct (plugin settings) and the other well-known types parse themselves
    }
    if (!node.isObject()) {
      fail(path, "expected a mapping (" + message.getName() + "), got " + kind(node));
    }
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> e = fields.next();
      String here = LocatedTree.join(path, e.getKey());
      FieldDescriptor field = find(message, e.getKey());
      if (field == null) {
        fail(here, unknownField(message, e.getKey()));
      }
      if (field.isMapField()) {
        continue; // labels: any keys
      }
      if (field.isRepeated()) {
        if (!e.getValue().isArray()) {
          fail(here, "expected a list, got " + kind(e.getValue()));
        }
        for (int i = 0; i < e.getValue().size(); i++) {
          checkValue(field, e.getValue(), i, e.getValue().get(i), here + "[" + i + "]");
        }
      } else {
        checkValue(field, node, -1, e.getValue(), here);
      }
    }
  }

  private void checkValue(
      FieldDescriptor field, JsonNode parent, int index, JsonNode value, String path) {
    switch (field.getJavaType()) {
      case MESSAGE -> check(field.getMessageType(), value, path);
      case ENUM -> {
        String name = enumName(field.getEnumType(), value, path);
        if (index >= 0) {
          ((com.fasterxml.jackson.databind.node.ArrayNode) parent)
              .set(index, TextNode.valueOf(name));
        } else {
          ((ObjectNode) parent).put(lastField(path), name);
        }
      }
      default -> {}
    }
  }

  private String enumName(EnumDescriptor type, JsonNode value, String path) {
    List<String> names = new ArrayList<>();
    for (EnumValueDescriptor v : type.getValues()) {
      if (v.getNumber() != 0) {
        names.add(v.getName());
        if (value.isTextual() && v.getName().equalsIgnoreCase(value.asText().trim())) {
          return v.getName();
        }
      }
    }
    fail(path, "'" + value.asText() + "' is not one of " + String.join(", ", names));
    return null; // unreachable
  }

  private static FieldDescriptor find(Descriptor message, String key) {
    for (FieldDescriptor f : message.getFields()) {
      if (f.getName().equals(key) || f.getJsonName().equals(key)) {
        return f;
      }
    }
    return null;
  }

  private static String unknownField(Descriptor message, String key) {
    List<String> names = message.getFields().stream().map(FieldDescriptor::getName).toList();
    String closest =
        names.stream()
            .min(Comparator.comparingInt(n -> distance(n, key.toLowerCase(Locale.ROOT))))
            .filter(n -> distance(n, key.toLowerCase(Locale.ROOT)) <= Math.max(2, key.length() / 3))
            .orElse(null);
    return "unknown field '"
        + key
        + "' in "
        + message.getName()
        + (closest != null ? "; did you mean '" + closest + "'?" : "")
        + " (fields: "
        + String.join(", ", names)
        + ")";
  }

  /** Levenshtein distance: enough to suggest {@code log_scale} for {@code log_scal}. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private static boolean isFreeForm(Descriptor message) {
    return message.getFile().getPackage().equals("google.protobuf");
  }

  private static String lastField(String path) {
    return path.substring(path.lastIndexOf('.') + 1);
  }

  private static String kind(JsonNode node) {
    return node.isArray() ? "a list" : node.isObject() ? "a mapping" : "'" + node.asText() + "'";
  }

  private void fail(String path, String problem) {
    throw new IllegalArgumentException(
        tree.where(file, path) + ": " + (path.isEmpty() ? "" : path + ": ") + problem);
  }
}
