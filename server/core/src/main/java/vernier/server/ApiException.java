package vernier.server;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.List;

/**
 * A request the server refuses, with its canonical gRPC code, an {@code ErrorInfo} reason and, for
 * bad input, the offending fields. Thrown anywhere below the gRPC layer and turned into a {@code
 * google.rpc.Status} there.
 */
public final class ApiException extends RuntimeException {

  public static final String DOMAIN = "vernier.dev";

  private static final long serialVersionUID = 1L;

  /**
   * Messages quote what a client sent (a study id, a metric name), and a client may send a
   * megabyte: every echo is cut to these lengths, saying how long the original was.
   */
  static final int MAX_FIELD = 200;

  static final int MAX_DESCRIPTION = 500;
  static final int MAX_MESSAGE = 2_000;

  private final Code code;
  private final String reason;
  private final List<FieldViolation> violations;

  /**
   * One bad field: a path such as {@code spec.parameters[2].float_domain.min} and what is wrong.
   */
  public record FieldViolation(String field, String description) {
    public FieldViolation {
      field = bounded(field, MAX_FIELD);
      description = bounded(description, MAX_DESCRIPTION);
    }

    @Override
    public String toString() {
      return field + ": " + description;
    }
  }

  private ApiException(Code code, String reason, String message, List<FieldViolation> violations) {
    super(bounded(message, MAX_MESSAGE));
    this.code = code;
    this.reason = reason;
    this.violations = List.copyOf(violations);
  }

  public static ApiException invalid(String field, String description) {
    return invalid(List.of(new FieldViolation(field, description)));
  }

  public static ApiException invalid(List<FieldViolation> violations) {
    String message =
        violations.size() == 1
            ? violations.get(0).toString()
            : violations.size()
                + " problems: "
                + String.join("; ", violations.stream().map(Object::toString).toList());
    return new ApiException(Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", message, violations);
  }

  public static ApiException notFound(String what) {
    return new ApiException(Code.NOT_FOUND, "NOT_FOUND", what + " not found", List.of());
  }

  /** No credentials, or credentials the server does not know. */
  public static ApiException unauthenticated(String message) {
    return new ApiException(Code.UNAUTHENTICATED, "UNAUTHENTICATED", message, List.of());
  }

  /** Known credentials that do not allow the call. */
  public static ApiException permissionDenied(String message) {
    return new ApiException(Code.PERMISSION_DENIED, "PERMISSION_DENIED", message, List.of());
  }

  public static ApiException alreadyExists(String message) {
    return new ApiException(Code.ALREADY_EXISTS, "ALREADY_EXISTS", message, List.of());
  }

  public static ApiException failedPrecondition(String reason, String message) {
    return new ApiException(Code.FAILED_PRECONDITION, reason, message, List.of());
  }

  public static ApiException unavailable(String message) {
    return new ApiException(Code.UNAVAILABLE, "UNAVAILABLE", message, List.of());
  }

  public static ApiException internal(String message) {
    return new ApiException(Code.INTERNAL, "INTERNAL", message, List.of());
  }

  /** {@code text}, or its start and how long it was when it is longer than {@code max}. */
  static String bounded(String text, int max) {
    return text.length() <= max
        ? text
        : text.substring(0, max) + "… (" + text.length() + " characters)";
  }

  public Code code() {
    return code;
  }

  public String reason() {
    return reason;
  }

  public List<FieldViolation> violations() {
    return violations;
  }

  /**
   * The gRPC error carrying {@code ErrorInfo} and, when there are bad fields, {@code BadRequest}.
   */
  public StatusRuntimeException toStatusException() {
    Status.Builder status =
        Status.newBuilder()
            .setCode(code.getNumber())
            .setMessage(getMessage())
            .addDetails(
                Any.pack(ErrorInfo.newBuilder().setReason(reason).setDomain(DOMAIN).build()));
    if (!violations.isEmpty()) {
      BadRequest.Builder bad = BadRequest.newBuilder();
      violations.forEach(
          v -> bad.addFieldViolationsBuilder().setField(v.field()).setDescription(v.description()));
      status.addDetails(Any.pack(bad.build()));
    }
    return StatusProto.toStatusRuntimeException(status.build());
  }
}
