package vernier.server.grpc;

import com.google.inject.Inject;
import com.google.protobuf.Empty;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import vernier.server.ApiException;
import vernier.server.Protos;
import vernier.server.ResourceNames;
import vernier.server.ResourceNames.TrialRef;
import vernier.server.auth.AuthInterceptor;
import vernier.server.check.CheckedRestore;
import vernier.server.cluster.NotOwnerException;
import vernier.server.study.StudyExecutor;
import vernier.server.study.StudyRegistry;
import vernier.spi.TrialState;
import vernier.v1.CreateStudyRequest;
import vernier.v1.DeleteStudyRequest;
import vernier.v1.EnqueueTrialsRequest;
import vernier.v1.EnqueueTrialsResponse;
import vernier.v1.ExportStudyRequest;
import vernier.v1.GetStudyRequest;
import vernier.v1.GetTrialRequest;
import vernier.v1.ImportTrialsRequest;
import vernier.v1.ImportTrialsResponse;
import vernier.v1.ListBestTrialsRequest;
import vernier.v1.ListBestTrialsResponse;
import vernier.v1.ListStudiesRequest;
import vernier.v1.ListStudiesResponse;
import vernier.v1.ListTrialsRequest;
import vernier.v1.ListTrialsResponse;
import vernier.v1.SetStudyStateRequest;
import vernier.v1.Study;
import vernier.v1.StudyRecord;
import vernier.v1.StudyServiceGrpc;
import vernier.v1.Trial;
import vernier.v1.TrialEvent;
import vernier.v1.WatchStudyRequest;

/** Study management. */
public final class StudyServiceImpl extends StudyServiceGrpc.StudyServiceImplBase {

  private static final int MAX_PAGE = 1000;

  private final StudyRegistry studies;
  private final Executor blocking;
  private final Forwarding forwarding;

  @Inject
  StudyServiceImpl(StudyRegistry studies, StudyExecutor blocking, Forwarding forwarding) {
    this.studies = studies;
    this.blocking = blocking; // create and delete wait for the store: not on transport threads
    this.forwarding = forwarding;
  }

  @Override
  public void createStudy(CreateStudyRequest request, StreamObserver<Study> observer) {
    Calls.reply(
        observer,
        () ->
            CompletableFuture.supplyAsync(
                () ->
                    studies.create(
                        request.getStudyId(), request.getSpec(), request.getValidateOnly()),
                blocking),
        s -> s,
        forwarding.study(stub -> stub.createStudy(request)));
  }

  @Override
  public void getStudy(GetStudyRequest request, StreamObserver<Study> observer) {
    Calls.reply(
        observer,
        () -> studies.coordinator(ResourceNames.study("name", request.getName())).study(),
        s -> s,
        forwarding.study(stub -> stub.getStudy(request)));
  }

  @Override
  public void listStudies(
      ListStudiesRequest request, StreamObserver<ListStudiesResponse> observer) {
    Calls.reply(
        observer,
        () -> {
          int size = PageTokens.pageSize(request.getPageSize(), 50, MAX_PAGE);
          String after =
              request.getPageToken().isEmpty() ? "" : PageTokens.decode(request.getPageToken());
          // the caller's context (its identity, for the filter and for forwarded summaries)
          // does not follow the hop to the blocking pool by itself
          io.grpc.Context caller = io.grpc.Context.current();
          return CompletableFuture.supplyAsync(
                  () -> page(after, size), caller.fixedContextExecutor(blocking))
              .thenCompose(f -> f);
        },
        r -> r);
  }

  /**
   * Reads the study ids (from the store) the caller may see and gathers each study's summary from
   * its coordinator. A study deleted in between is left out: one study can never make the list fail
   * for everyone.
   */
  private CompletableFuture<ListStudiesResponse> page(String after, int size) {
    List<String> ids =
        studies.studyIds().stream()
            .filter(id -> id.compareTo(after) > 0)
            .filter(AuthInterceptor::visible)
            .toList();
    List<String> page = ids.subList(0, Math.min(size, ids.size()));
    List<CompletableFuture<Study>> futures = page.stream().map(this::summaryUnlessDeleted).toList();
    String next = ids.size() > size ? PageTokens.encode(page.get(page.size() - 1)) : "";
    return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .thenApply(
            v ->
                ListStudiesResponse.newBuilder()
                    .addAllStudies(
                        futures.stream()
                            .map(CompletableFuture::join)
                            .filter(java.util.Objects::nonNull)
                            .toList())
                    .setNextPageToken(next)
                    .build());
  }

  /**
   * The study's summary (from its owner when another replica owns it), or null when it was deleted
   * after its id was read.
   */
  private CompletableFuture<Study> summaryUnlessDeleted(String id) {
    try {
      return summary(id)
          .exceptionally(
              e -> {
                Throwable cause = e instanceof CompletionException ? e.getCause() : e;
                if (isNotFound(cause)) {
                  return null;
                }
                throw e instanceof CompletionException c ? c : new CompletionException(e);
              });
    } catch (RuntimeException e) {
      if (isNotFound(e)) {
        return CompletableFuture.completedFuture(null);
      }
      throw e;
    }
  }

  private CompletableFuture<Study> summary(String id) {
    try {
      return studies.coordinator(id).study();
    } catch (NotOwnerException e) {
      CompletableFuture<Study> answer = new CompletableFuture<>();
      forwarding
          .<Study>study(
              stub ->
                  stub.getStudy(GetStudyRequest.newBuilder().setName(Protos.studyName(id)).build()))
          .to(e.owner(), io.grpc.Context.current(), futureObserver(answer));
      return answer;
    }
  }

  /** An observer of one answer that completes {@code future}; NOT_FOUND becomes ApiException. */
  private static <T> StreamObserver<T> futureObserver(CompletableFuture<T> future) {
    return new StreamObserver<T>() {
      @Override
      public void onNext(T value) {
        future.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        if (io.grpc.Status.fromThrowable(t).getCode() == io.grpc.Status.Code.NOT_FOUND) {
          future.completeExceptionally(ApiException.notFound(t.getMessage()));
        } else {
          future.completeExceptionally(t);
        }
      }

      @Override
      public void onCompleted() {}
    };
  }

  private static boolean isNotFound(Throwable e) {
    return e instanceof ApiException api && api.code() == com.google.rpc.Code.NOT_FOUND;
  }

  @Override
  public void setStudyState(SetStudyStateRequest request, StreamObserver<Study> observer) {
    Calls.reply(
        observer,
        () ->
            studies
                .coordinator(ResourceNames.study("name", request.getName()))
                .setState(request.getState()),
        s -> s,
        forwarding.study(stub -> stub.setStudyState(request)));
  }

  @Override
  public void deleteStudy(DeleteStudyRequest request, StreamObserver<Empty> observer) {
    Calls.reply(
        observer,
        () -> {
          String id = ResourceNames.study("name", request.getName());
          return CompletableFuture.supplyAsync(
              () -> {
                studies.delete(id);
                return Empty.getDefaultInstance();
              },
              blocking);
        },
        e -> e,
        forwarding.study(stub -> stub.deleteStudy(request)));
  }

  @Override
  public void enqueueTrials(
      EnqueueTrialsRequest request, StreamObserver<EnqueueTrialsResponse> observer) {
    Calls.reply(
        observer,
        () ->
            studies
                .coordinator(ResourceNames.study("study", request.getStudy()))
                .enqueue(request.getTrialsList()),
        t -> EnqueueTrialsResponse.newBuilder().addAllTrials(t).build(),
        forwarding.study(stub -> stub.enqueueTrials(request)));
  }

  @Override
  public void importTrials(
      ImportTrialsRequest request, StreamObserver<ImportTrialsResponse> observer) {
    Calls.reply(
        observer,
        () ->
            studies
                .coordinator(ResourceNames.study("study", request.getStudy()))
                .importTrials(request.getTrialsList()),
        t -> ImportTrialsResponse.newBuilder().addAllTrials(t).build(),
        forwarding.study(stub -> stub.importTrials(request)));
  }

  @Override
  public void getTrial(GetTrialRequest request, StreamObserver<Trial> observer) {
    Calls.reply(
        observer,
        () -> {
          TrialRef ref = ResourceNames.trial("name", request.getName());
          return studies.coordinator(ref.study()).getTrial(ref);
        },
        t -> t,
        forwarding.study(stub -> stub.getTrial(request)));
  }

  @Override
  public void listTrials(ListTrialsRequest request, StreamObserver<ListTrialsResponse> observer) {
    Calls.reply(
        observer,
        () -> {
          int size = PageTokens.pageSize(request.getPageSize(), 100, MAX_PAGE);
          long from = PageTokens.decodeNumber(request.getPageToken());
          Set<TrialState> states = EnumSet.noneOf(TrialState.class);
          for (Trial.State s : request.getStatesList()) {
            if (s == Trial.State.STATE_UNSPECIFIED || s == Trial.State.UNRECOGNIZED) {
              throw vernier.server.ApiException.invalid("states", "unknown trial state " + s);
            }
            states.add(Protos.toSpi(s));
          }
          return studies
              .coordinator(ResourceNames.study("study", request.getStudy()))
              .listTrials(from, size, states, request.getIncludeMeasurements());
        },
        page ->
            ListTrialsResponse.newBuilder()
                .addAllTrials(page.trials())
                .setNextPageToken(
                    page.next() < 0 ? "" : PageTokens.encode(Long.toString(page.next())))
                .build(),
        forwarding.study(stub -> stub.listTrials(request)));
  }

  @Override
  public void listBestTrials(
      ListBestTrialsRequest request, StreamObserver<ListBestTrialsResponse> observer) {
    Calls.reply(
        observer,
        () -> studies.coordinator(ResourceNames.study("study", request.getStudy())).bestTrials(),
        t -> ListBestTrialsResponse.newBuilder().addAllTrials(t).build(),
        forwarding.study(stub -> stub.listBestTrials(request)));
  }

  @Override
  public void watchStudy(WatchStudyRequest request, StreamObserver<TrialEvent> observer) {
    io.grpc.Context context = io.grpc.Context.current();
    try {
      studies
          .coordinator(ResourceNames.study("study", request.getStudy()))
          .watch((ServerCallStreamObserver<TrialEvent>) observer)
          .whenComplete(
              (v, error) -> {
                if (error != null) {
                  Calls.fail(observer, error);
                }
              });
    } catch (NotOwnerException e) {
      if (Forwarding.forwarded(context)) {
        Calls.fail(observer, e);
      } else {
        forwarding.stream(e.owner(), context, observer, (stub, o) -> stub.watchStudy(request, o));
      }
    } catch (RuntimeException e) {
      Calls.fail(observer, e);
    }
  }

  /**
   * Streams the stored study as the client can take it (flow control: a 46k-trial study is not
   * built up in gRPC's buffers), read from the store on the blocking executor.
   */
  @Override
  public void exportStudy(ExportStudyRequest request, StreamObserver<StudyRecord> observer) {
    Paced paced = new Paced((ServerCallStreamObserver<StudyRecord>) observer);
    paced.call.setOnReadyHandler(paced);
    String id;
    try {
      id = ResourceNames.study("name", request.getName());
    } catch (RuntimeException e) {
      Calls.fail(observer, e);
      return;
    }
    CompletableFuture.supplyAsync(() -> studies.stored(id), blocking)
        .whenComplete(
            (data, error) -> {
              if (error != null) {
                Calls.fail(observer, error);
                return;
              }
              paced.start(StudyExport.records(data));
            });
  }

  /** Sends records while the client can take them, and completes the call after the last. */
  private static final class Paced implements Runnable {
    private final ServerCallStreamObserver<StudyRecord> call;
    private Iterator<StudyRecord> records; // null until read from the store
    private boolean completed;

    Paced(ServerCallStreamObserver<StudyRecord> call) {
      this.call = call;
    }

    synchronized void start(Iterator<StudyRecord> records) {
      this.records = records;
      run();
    }

    @Override
    public synchronized void run() {
      if (records == null || completed || call.isCancelled()) {
        return;
      }
      while (records.hasNext() && call.isReady()) {
        call.onNext(records.next());
      }
      if (!records.hasNext()) {
        completed = true;
        call.onCompleted();
      }
    }
  }

  @Override
  public StreamObserver<StudyRecord> restoreStudy(StreamObserver<Study> observer) {
    return new StreamObserver<>() {
      private final List<StudyRecord> records = new ArrayList<>();
      private boolean refused;

      @Override
      public void onNext(StudyRecord record) {
        if (refused) {
          return;
        }
        if (records.size() > CheckedRestore.MAX_TRIALS) {
          refused = true;
          Calls.fail(
              observer,
              ApiException.invalid(
                  "records", "a restore holds at most " + CheckedRestore.MAX_TRIALS + " trials"));
          return;
        }
        records.add(record);
      }

      @Override
      public void onError(Throwable t) {
        records.clear(); // the client gave up: nothing is stored
        refused = true;
      }

      @Override
      public void onCompleted() {
        if (!refused) {
          Calls.reply(
              observer,
              () -> CompletableFuture.supplyAsync(() -> studies.restore(records), blocking),
              study -> study);
        }
      }
    };
  }
}
