package vernier.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The tokens file ({@code --auth-tokens}): YAML, one entry per token with its name, role, optional
 * study-id prefixes and the SHA-256 of the token (the token itself is never stored; it is 32 random
 * bytes, so a plain hash is enough). {@code vernier auth token create} adds entries.
 *
 * <pre>
 * tokens:
 *   - name: alice
 *     role: worker
 *     prefixes: [team-a-]
 *     sha256: 3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b
 * </pre>
 */
public final class TokenFile {

  /** What a new token starts with, so it is recognisable in a leaked log or file. */
  public static final String TOKEN_PREFIX = "vnr_";

  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .build());
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9-]{0,62}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

  private TokenFile() {}

  /**
   * The callers of {@code file}, by the SHA-256 (hex) of their token.
   *
   * @throws IllegalArgumentException naming the file, the entry and the field that is wrong
   */
  public static Map<String, Principal> read(Path file) {
    JsonNode root;
    try {
      root = YAML.readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "--auth-tokens: cannot read " + file + " (" + e.getMessage() + ")");
    }
    Map<String, Principal> out = new HashMap<>();
    if (root == null || root.isMissingNode() || root.isNull()) {
      return out; // an empty file: nobody may call
    }
    JsonNode tokens = root.get("tokens");
    if (!root.isObject() || tokens == null || !tokens.isArray()) {
      throw new IllegalArgumentException(
          "--auth-tokens: " + file + " must hold 'tokens:', a list of entries");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < tokens.size(); i++) {
      String at = file + ": tokens[" + i + "]";
      JsonNode t = tokens.get(i);
      String name = text(t, "name", at);
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(at + ".name: 1-64 of A-Z a-z 0-9 . _ @ -");
      }
      if (!names.add(name)) {
        throw new IllegalArgumentException(at + ".name: '" + name + "' is there twice");
      }
      Role role;
      try {
        role = Role.parse(text(t, "role", at));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(at + ".role: " + e.getMessage());
      }
      String hash = text(t, "sha256", at);
      if (!HEX64.matcher(hash).matches()) {
        throw new IllegalArgumentException(
            at + ".sha256: 64 lower-case hex digits (the SHA-256 of the token)");
      }
      List<String> prefixes = new ArrayList<>();
      JsonNode p = t.get("prefixes");
      if (p != null && !p.isNull()) {
        if (!p.isArray()) {
          throw new IllegalArgumentException(at + ".prefixes: a list, e.g. [team-a-]");
        }
        for (JsonNode prefix : p) {
          if (!PREFIX.matcher(prefix.asText()).matches()) {
            throw new IllegalArgumentException(
                at + ".prefixes: '" + prefix.asText() + "' is not the start of a study id");
          }
          prefixes.add(prefix.asText());
        }
      }
      if (out.put(hash, new Principal(name, role, prefixes)) != null) {
        throw new IllegalArgumentException(at + ".sha256: the same token is there twice");
      }
    }
    return out;
  }

  private static String text(JsonNode entry, String field, String at) {
    JsonNode v = entry == null ? null : entry.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new IllegalArgumentException(at + "." + field + ": required");
    }
    return v.asText();
  }

  /** The SHA-256 of a token, in hex: how the file names it. */
  public static String hash(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256 in this JVM", e);
    }
  }

  /**
   * Makes a token for {@code principal}, adds its hash to {@code file} (created if missing; the
   * entries there are kept) and returns the token, which is not stored anywhere.
   *
   * @throws IllegalArgumentException when the name is taken or the file is not a tokens file
   */
  public static String create(Path file, Principal principal) throws IOException {
    if (Files.exists(file)) {
      if (read(file).values().stream().anyMatch(p -> p.name().equals(principal.name()))) {
        throw new IllegalArgumentException(
            "--name: '" + principal.name() + "' is in " + file + " already; revoke it first");
      }
    }
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String token = TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    ObjectNode root =
        Files.exists(file) && Files.size(file) > 0
            ? (ObjectNode) YAML.readTree(file.toFile())
            : YAML.createObjectNode();
    ArrayNode tokens =
        root.has("tokens") ? (ArrayNode) root.get("tokens") : root.putArray("tokens");
    ObjectNode entry = tokens.addObject();
    entry.put("name", principal.name());
    entry.put("role", principal.role().label());
    if (!principal.prefixes().isEmpty()) {
      ArrayNode prefixes = entry.putArray("prefixes");
      principal.prefixes().forEach(prefixes::add);
    }
    entry.put("sha256", hash(token));
    write(file, root);
    read(file); // what was written reads back
    return token;
  }

  /** Removes the entry named {@code name}; false when there is none. */
  public static boolean revoke(Path file, String name) throws IOException {
    read(file);
    ObjectNode root = (ObjectNode) YAML.readTree(file.toFile());
    ArrayNode tokens = (ArrayNode) root.get("tokens");
    for (int i = 0; i < tokens.size(); i++) {
      if (name.equals(tokens.get(i).path("name").asText())) {
        tokens.remove(i);
        write(file, root);
        return true;
      }
    }
    return false;
  }

  /** Writes beside the file and moves it over, so the server never reads half a file. */
  private static void write(Path file, ObjectNode root) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, YAML.writeValueAsString(root), StandardCharsets.UTF_8);
    try { // hashes only, but still nobody else's business
      Files.setPosixFilePermissions(
          tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // Windows: the directory's ACL applies
    }
    Files.move(
        tmp,
        file,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
