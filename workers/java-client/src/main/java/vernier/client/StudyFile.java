package vernier.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.nio.file.Path;
import vernier.v1.CreateStudyRequest;

/**
 * Reads a study file: YAML (or JSON) that maps one to one onto {@link CreateStudyRequest} with the
 * proto field names, e.g. {@code study_id}, {@code spec.parameters[].float_domain.log_scale}. A
 * field that does not fit is reported with its line, path and the fields that exist; enum values
 * may be written in any case.
 */
public final class StudyFile {

  private StudyFile() {}

  /**
   * @throws IllegalArgumentException naming the file and the field when the content does not fit
   */
  public static CreateStudyRequest read(Path file) throws IOException {
    LocatedTree located = LocatedTree.read(file);
    JsonNode tree = located.root();
    if (tree == null || !tree.isObject()) {
      throw new IllegalArgumentException(file + ": expected a mapping with study_id and spec");
    }
    new ProtoShape(file, located).check(CreateStudyRequest.getDescriptor());
    CreateStudyRequest.Builder request = CreateStudyRequest.newBuilder();
    try {
      JsonFormat.parser().merge(new ObjectMapper().writeValueAsString(tree), request);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
    return request.build();
  }
}
