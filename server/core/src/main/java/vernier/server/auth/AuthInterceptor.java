package vernier.server.auth;

import com.google.protobuf.Message;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vernier.server.ApiException;
import vernier.server.Protos;
import vernier.v1.AskRequest;

/**
 * Authentication and authorization of every API call: the bearer token names the caller ({@link
 * Authenticator}), {@link Permissions} says what the method needs; a caller without the role is
 * PERMISSION_DENIED, and a study outside its prefixes is NOT_FOUND, exactly as a missing one (a
 * caller learns nothing of studies it may not see). Admin calls are written to the audit log
 * ({@code vernier.audit}): who, what, which study, and the outcome.
 */
public final class AuthInterceptor implements ServerInterceptor {

  /** The caller, for the services (ListStudies shows only what it may see). */
  public static final Context.Key<Principal> CALLER = Context.key("vernier-caller");

  /** The caller's authorization header, so a forwarded call carries the caller's own rights. */
  public static final Context.Key<String> AUTHORIZATION = Context.key("vernier-authorization");

  public static final Metadata.Key<String> HEADER =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private static final Logger audit = LoggerFactory.getLogger("vernier.audit");

  private final Authenticator authenticator;

  public AuthInterceptor(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  /**
   * The ask as its caller's: with authentication its worker id is prefixed with the token's name
   * ({@code alice/gpu-0}), so an ask replayed with a guessed request id and worker id by another
   * token holder is a fresh ask, never the original's trial and lease, and every trial records who
   * ran it. Without authentication the ask is unchanged.
   */
  public static AskRequest asCaller(AskRequest request) {
    Principal p = CALLER.get();
    return p == null
        ? request
        : request.toBuilder().setWorkerId(p.name() + "/" + request.getWorkerId()).build();
  }

  /** Whether {@code studyId} is visible to the caller of the current call (all without auth). */
  public static boolean visible(String studyId) {
    Principal p = CALLER.get();
    return p == null || p.sees(studyId);
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    Permissions.Rule rule = Permissions.of(method);
    Principal caller = null;
    try {
      if (rule == null) {
        throw ApiException.permissionDenied(method + " has no permission rule; refused");
      }
      caller = authenticator.authenticate(headers.get(HEADER));
      if (!caller.role().allows(rule.needed())) {
        throw ApiException.permissionDenied(
            caller.describe()
                + " may not call "
                + call.getMethodDescriptor().getBareMethodName()
                + ": it needs the "
                + rule.needed().label()
                + " role");
      }
    } catch (ApiException e) {
      if (rule != null && rule.needed() == Role.ADMIN) { // refused admin attempts are audited too
        audit(caller, call.getMethodDescriptor().getBareMethodName(), null, e.code().name());
      }
      close(call, e);
      return new ServerCall.Listener<>() {};
    }
    Principal known = caller;
    Audited<Q, A> audited = new Audited<>(call, known, rule.needed() == Role.ADMIN);
    Context context =
        Context.current().withValues(CALLER, known, AUTHORIZATION, headers.get(HEADER));
    ServerCall.Listener<Q> delegate = Contexts.interceptCall(context, audited, headers, next);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
      private boolean checked;
      private boolean refused;

      @Override
      public void onMessage(Q message) {
        if (refused) {
          return;
        }
        if (!checked) {
          checked = true;
          String study = rule.studyOf().apply((Message) message);
          audited.study = study;
          if (study != null && !known.sees(study)) {
            refused = true;
            close(
                audited,
                rule.creates()
                    ? ApiException.permissionDenied(
                        known.describe() + " may not create or restore study " + study)
                    : ApiException.notFound("study " + Protos.studyName(study)));
            return;
          }
        }
        super.onMessage(message);
      }

      @Override
      public void onHalfClose() {
        if (!refused) {
          super.onHalfClose();
        }
      }
    };
  }

  /** One audit line: who (or "-" when unknown), what, which study, how it ended. */
  private static void audit(Principal caller, String method, String study, String outcome) {
    audit.info(
        "{} {} {}: {}",
        caller == null ? "-" : caller.name() + " (" + caller.role().label() + ")",
        method,
        study == null ? "-" : Protos.studyName(study),
        outcome);
  }

  private static void close(ServerCall<?, ?> call, ApiException e) {
    StatusRuntimeException s = e.toStatusException();
    Metadata trailers = s.getTrailers() == null ? new Metadata() : s.getTrailers();
    call.close(s.getStatus(), trailers);
  }

  /** Writes the audit line of an admin call when it closes. */
  private static final class Audited<Q, A>
      extends ForwardingServerCall.SimpleForwardingServerCall<Q, A> {
    private final Principal caller;
    private final boolean admin;
    private volatile String study;

    Audited(ServerCall<Q, A> call, Principal caller, boolean admin) {
      super(call);
      this.caller = caller;
      this.admin = admin;
    }

    @Override
    public void close(Status status, Metadata trailers) {
      if (admin) {
        audit(caller, getMethodDescriptor().getBareMethodName(), study, status.getCode().name());
      }
      super.close(status, trailers);
    }
  }
}
