package vernier.client;

import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.LongConsumer;
import vernier.v1.Study;
import vernier.v1.StudyRecord;
import vernier.v1.StudyServiceGrpc;

/**
 * One {@code RestoreStudy} call: sends the records as the server takes them (gRPC flow control, so
 * a big study read from a file or another server is never all in memory here), then waits for the
 * stored study. A record source that fails (an unreadable line) cancels the call: the server stores
 * nothing.
 */
final class StudyUpload implements ClientResponseObserver<StudyRecord, Study> {

  private final Iterator<StudyRecord> records;
  private final LongConsumer sent;
  private final CompletableFuture<Study> result = new CompletableFuture<>();
  private long count;
  private boolean finished;

  private StudyUpload(Iterator<StudyRecord> records, LongConsumer sent) {
    this.records = records;
    this.sent = sent;
  }

  static Study run(Channel channel, Iterator<StudyRecord> records, LongConsumer sent) {
    StudyUpload upload = new StudyUpload(records, sent);
    StudyServiceGrpc.newStub(channel).restoreStudy(upload);
    try {
      return upload.result.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<StudyRecord> requests) {
    requests.setOnReadyHandler(
        () -> {
          if (finished) {
            return;
          }
          try {
            while (requests.isReady() && records.hasNext()) {
              requests.onNext(records.next());
              sent.accept(++count);
            }
            if (!records.hasNext()) {
              finished = true;
              requests.onCompleted();
            }
          } catch (RuntimeException e) {
            finished = true;
            requests.cancel("the records could not be read: " + e.getMessage(), e);
            result.completeExceptionally(e);
          }
        });
  }

  @Override
  public void onNext(Study study) {
    result.complete(study);
  }

  @Override
  public void onError(Throwable error) {
    result.completeExceptionally(
        error instanceof StatusRuntimeException ? error : new RuntimeException(error));
  }

  @Override
  public void onCompleted() {}
}
