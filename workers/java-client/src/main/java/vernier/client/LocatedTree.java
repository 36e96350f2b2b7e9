package vernier.client;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * A YAML (or JSON) document as a tree, with the line and column of every field, so that an error
 * about {@code spec.parameters[2].float_domain.log_scal} can point at {@code study.yaml:14:23}.
 *
 * @param root the document
 * @param locations where each field's name starts, by path ({@code a.b[0].c})
 */
record LocatedTree(JsonNode root, Map<String, JsonLocation> locations) {

  private static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory());

  static LocatedTree read(Path file) throws IOException {
    byte[] content = Files.readAllBytes(file); // read once, parsed twice: as a tree, for locations
    JsonNode root = MAPPER.readTree(content);
    Map<String, JsonLocation> locations = new HashMap<>();
    try (JsonParser p = MAPPER.getFactory().createParser(content)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t == JsonToken.FIELD_NAME) {
          locations.putIfAbsent(
              join(path(p.getParsingContext()), p.currentName()), p.currentTokenLocation());
        }
      }
    }
    return new LocatedTree(root, locations);
  }

  /** The path of the object or array {@code context} stands for. */
  private static String path(JsonStreamContext context) {
    Deque<String> parts = new ArrayDeque<>();
    for (JsonStreamContext c = context; c.getParent() != null && !c.getParent().inRoot(); ) {
      JsonStreamContext parent = c.getParent();
      parts.push(
          parent.inArray() ? "[" + parent.getCurrentIndex() + "]" : "." + parent.getCurrentName());
      c = parent;
    }
    String joined = String.join("", parts);
    return joined.startsWith(".") ? joined.substring(1) : joined;
  }

  static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  /** {@code file:line:column} of {@code path}, or of the nearest enclosing field found. */
  String where(Path file, String path) {
    String p = path;
    while (!p.isEmpty()) {
      JsonLocation l = locations.get(p);
      if (l != null) {
        return file + ":" + l.getLineNr() + ":" + l.getColumnNr();
      }
      int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      p = cut < 0 ? "" : p.substring(0, cut);
    }
    return file.toString();
  }
}
