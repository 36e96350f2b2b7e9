package vernier.client;

import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The client's retry loop. A unary call that fails with UNAVAILABLE before any response (the server
 * is unreachable, restarting, or dropped the connection) is tried again, with exponential backoff
 * from {@link #INITIAL_BACKOFF} to {@link #MAX_BACKOFF}, until the retry budget, counted from the
 * call's start, is spent; then the call fails with that UNAVAILABLE. gRPC's own retry policy counts
 * attempts, not time (and caps them: at 5 in Python), so both Vernier clients run this loop
 * themselves.
 *
 * <p>Each attempt gets the client's per-call deadline, unless the caller set a deadline, which then
 * bounds the whole call, retries included. Retrying is safe: asks carry a request id, a repeated
 * tell is idempotent and a repeated report with the same values is accepted. Streaming calls pass
 * through untouched.
 */
final class RetryOnUnavailable implements ClientInterceptor {

  /** Set on a call that must be tried once (the heartbeat: its next beat is the retry). */
  static final CallOptions.Key<Boolean> SINGLE_ATTEMPT =
      CallOptions.Key.createWithDefault("vernier.single-attempt", false);

  static final Duration INITIAL_BACKOFF = Duration.ofMillis(200);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  /** The listener hears of a waiting call first after this, then at most this often. */
  static final Duration FIRST_NOTICE = Duration.ofSeconds(1);

  static final Duration NOTICE_EVERY = Duration.ofSeconds(5);

  private final Supplier<Duration> budget;
  private final Supplier<Duration> attemptDeadline;
  private final Supplier<RetryListener> retryListener;
  private final ManagedChannel channel;
  private final ScheduledExecutorService timer;

  RetryOnUnavailable(
      Supplier<Duration> budget,
      Supplier<Duration> attemptDeadline,
      Supplier<RetryListener> retryListener,
      ManagedChannel channel,
      ScheduledExecutorService timer) {
    this.budget = budget;
    this.attemptDeadline = attemptDeadline;
    this.retryListener = retryListener;
    this.channel = channel;
    this.timer = timer;
  }

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
      MethodDescriptor<ReqT, RespT> method, CallOptions options, Channel next) {
    if (method.getType() != MethodDescriptor.MethodType.UNARY) {
      return next.newCall(method, options);
    }
    if (options.getOption(SINGLE_ATTEMPT)) {
      return next.newCall(method, perAttempt(options));
    }
    return new RetryingCall<>(method, options, next);
  }

  private CallOptions perAttempt(CallOptions options) {
    return options.getDeadline() != null
        ? options
        : options.withDeadlineAfter(attemptDeadline.get().toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * One unary call over as many attempts as the budget allows. It records what the caller sent
   * (headers, the request, flow control, half-close) to replay it on the next attempt, and holds
   * back an attempt's UNAVAILABLE while it retries.
   */
  private final class RetryingCall<ReqT, RespT> extends ClientCall<ReqT, RespT> {

    private final MethodDescriptor<ReqT, RespT> method;
    private final CallOptions options;
    private final Channel next;
    private final long startNanos = System.nanoTime();
    private final Object lock = new Object();
    private volatile Listener<RespT> listener;
    // guarded by lock
    private Metadata headers;
    private ReqT message;
    private int requested;
    private boolean halfClosed;
    private Boolean compression;
    private boolean cancelled;
    private ClientCall<ReqT, RespT> attempt; // null while waiting to retry
    private ScheduledFuture<?> retry;
    private long backoffNanos = INITIAL_BACKOFF.toNanos();
    private long nextNoticeNanos = FIRST_NOTICE.toNanos();

    RetryingCall(MethodDescriptor<ReqT, RespT> method, CallOptions options, Channel next) {
      this.method = method;
      this.options = options;
      this.next = next;
    }

    @Override
    public void start(Listener<RespT> listener, Metadata headers) {
      this.listener = listener;
      synchronized (lock) {
        this.headers = headers;
      }
      startAttempt();
    }

    private void startAttempt() {
      synchronized (lock) {
        retry = null;
        if (cancelled) {
          return;
        }
        ClientCall<ReqT, RespT> call = next.newCall(method, perAttempt(options));
        attempt = call;
        Metadata copy = new Metadata();
        copy.merge(headers);
        call.start(new AttemptListener(), copy);
        if (compression != null) {
          call.setMessageCompression(compression);
        }
        if (requested > 0) {
          call.request(requested);
        }
        if (message != null) {
          call.sendMessage(message);
        }
        if (halfClosed) {
          call.halfClose();
        }
      }
    }

    /** Schedules the next attempt if the budget (and the caller's deadline) leave time for it. */
    private boolean scheduleRetry(Status status) {
      synchronized (lock) {
        long waited = System.nanoTime() - startNanos;
        long remaining = budget.get().toNanos() - waited;
        if (cancelled || remaining <= 0) {
          return false;
        }
        long jittered =
            (long) (backoffNanos * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
        long delay = Math.min(jittered, remaining);
        if (options.getDeadline() != null
            && options.getDeadline().timeRemaining(TimeUnit.NANOSECONDS) <= delay) {
          return false;
        }
        backoffNanos = Math.min(backoffNanos * 2, MAX_BACKOFF.toNanos());
        try {
          retry = timer.schedule(this::retryNow, delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
          return false; // the client is closed
        }
        attempt = null;
        if (waited >= nextNoticeNanos) {
          nextNoticeNanos = waited + NOTICE_EVERY.toNanos();
          retryListener
              .get()
              .waiting(channel.authority(), Duration.ofNanos(waited), RetryListener.cause(status));
        }
        return true;
      }
    }

    private void retryNow() {
      channel.resetConnectBackoff(); // reconnect now, not after gRPC's own (up to 2 min) backoff
      startAttempt();
    }

    @Override
    public void request(int numMessages) {
      synchronized (lock) {
        requested += numMessages;
        if (attempt != null) {
          attempt.request(numMessages);
        }
      }
    }

    @Override
    public void sendMessage(ReqT message) {
      synchronized (lock) {
        this.message = message;
        if (attempt != null) {
          attempt.sendMessage(message);
        }
      }
    }

    @Override
    public void halfClose() {
      synchronized (lock) {
        halfClosed = true;
        if (attempt != null) {
          attempt.halfClose();
        }
      }
    }

    @Override
    public void setMessageCompression(boolean enabled) {
      synchronized (lock) {
        compression = enabled;
        if (attempt != null) {
          attempt.setMessageCompression(enabled);
        }
      }
    }

    @Override
    public boolean isReady() {
      synchronized (lock) {
        return attempt != null && attempt.isReady();
      }
    }

    @Override
    public Attributes getAttributes() {
      synchronized (lock) {
        return attempt != null ? attempt.getAttributes() : Attributes.EMPTY;
      }
    }

    @Override
    public void cancel(String reason, Throwable cause) {
      boolean waiting;
      synchronized (lock) {
        if (cancelled) {
          return;
        }
        cancelled = true;
        waiting = retry != null;
        if (waiting) {
          retry.cancel(false); // if it already runs, startAttempt sees `cancelled` and starts none
          retry = null;
        } else if (attempt != null) {
          attempt.cancel(reason, cause); // its listener closes the call
        }
      }
      Listener<RespT> l = listener;
      if (waiting && l != null) { // no attempt is running to close the call: close it here
        Status status = Status.CANCELLED.withDescription(reason).withCause(cause);
        Executor executor = options.getExecutor() != null ? options.getExecutor() : Runnable::run;
        executor.execute(() -> l.onClose(status, new Metadata()));
      }
    }

    /** Forwards an attempt's events, except an UNAVAILABLE close that is retried. */
    private final class AttemptListener extends ClientCall.Listener<RespT> {

      private boolean responded;

      @Override
      public void onHeaders(Metadata headers) {
        responded = true;
        listener.onHeaders(headers);
      }

      @Override
      public void onMessage(RespT message) {
        responded = true;
        listener.onMessage(message);
      }

      @Override
      public void onReady() {
        listener.onReady();
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        if (!responded && status.getCode() == Status.Code.UNAVAILABLE && scheduleRetry(status)) {
          return;
        }
        listener.onClose(status, trailers);
      }
    }
  }
}
