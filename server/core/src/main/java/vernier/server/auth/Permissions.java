package vernier.server.auth;

import com.google.protobuf.Message;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import vernier.v1.CreateStudyRequest;
import vernier.v1.StudyRecord;
import vernier.v1.StudyServiceGrpc;
import vernier.v1.WorkerServiceGrpc;

/**
 * The one table of who may call what: for every RPC of the API, the role it needs and the study its
 * request names (for prefix-limited tokens). An RPC missing here is refused (fail closed).
 */
public final class Permissions {

  /**
   * @param needed the least role that may call
   * @param studyOf the study id the (first) request message names; null when it names none
   * @param creates whether the call makes the study (a prefix refusal is then PERMISSION_DENIED:
   *     there is nothing to hide)
   */
  public record Rule(Role needed, Function<Message, String> studyOf, boolean creates) {}

  private static final Map<String, Rule> RULES = new HashMap<>();

  private static <T extends Message> void rule(
      io.grpc.MethodDescriptor<T, ?> method, Role needed, Function<T, String> name) {
    rule(method, needed, name, false);
  }

  @SuppressWarnings("unchecked")
  private static <T extends Message> void rule(
      io.grpc.MethodDescriptor<T, ?> method,
      Role needed,
      Function<T, String> studyOf,
      boolean creates) {
    RULES.put(
        method.getFullMethodName(),
        new Rule(needed, m -> studyOf == null ? null : studyOf.apply((T) m), creates));
  }

  static {
    rule(StudyServiceGrpc.getCreateStudyMethod(), Role.ADMIN, CreateStudyRequest::getStudyId, true);
    rule(StudyServiceGrpc.getGetStudyMethod(), Role.VIEWER, r -> id(r.getName()));
    rule(StudyServiceGrpc.getListStudiesMethod(), Role.VIEWER, null); // filtered by the service
    rule(StudyServiceGrpc.getSetStudyStateMethod(), Role.ADMIN, r -> id(r.getName()));
    rule(StudyServiceGrpc.getDeleteStudyMethod(), Role.ADMIN, r -> id(r.getName()));
    rule(StudyServiceGrpc.getEnqueueTrialsMethod(), Role.ADMIN, r -> id(r.getStudy()));
    rule(StudyServiceGrpc.getImportTrialsMethod(), Role.ADMIN, r -> id(r.getStudy()));
    rule(StudyServiceGrpc.getGetTrialMethod(), Role.VIEWER, r -> id(r.getName()));
    rule(StudyServiceGrpc.getListTrialsMethod(), Role.VIEWER, r -> id(r.getStudy()));
    rule(StudyServiceGrpc.getListBestTrialsMethod(), Role.VIEWER, r -> id(r.getStudy()));
    rule(StudyServiceGrpc.getWatchStudyMethod(), Role.VIEWER, r -> id(r.getStudy()));
    rule(StudyServiceGrpc.getExportStudyMethod(), Role.ADMIN, r -> id(r.getName()));
    rule(
        StudyServiceGrpc.getRestoreStudyMethod(),
        Role.ADMIN,
        (StudyRecord r) -> r.hasStudy() ? r.getStudy().getStudyId() : null,
        true);
    rule(WorkerServiceGrpc.getAskMethod(), Role.WORKER, r -> id(r.getStudy()));
    rule(WorkerServiceGrpc.getReportMethod(), Role.WORKER, r -> id(r.getTrial()));
    rule(WorkerServiceGrpc.getTellMethod(), Role.WORKER, r -> id(r.getTrial()));
  }

  private Permissions() {}

  /** The rule of a full method name ({@code vernier.v1.StudyService/GetStudy}); null: none. */
  public static Rule of(String fullMethodName) {
    return RULES.get(fullMethodName);
  }

  /**
   * The study id in a resource name ({@code studies/x}, {@code studies/x/trials/3}); null when the
   * name is not one (the service then refuses it as INVALID_ARGUMENT, revealing nothing).
   */
  static String id(String name) {
    if (!name.startsWith("studies/")) {
      return null;
    }
    int end = name.indexOf('/', "studies/".length());
    String id = name.substring("studies/".length(), end < 0 ? name.length() : end);
    return id.isEmpty() ? null : id;
  }
}
