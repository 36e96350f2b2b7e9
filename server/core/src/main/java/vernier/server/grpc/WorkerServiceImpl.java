package vernier.server.grpc;

import com.google.inject.Inject;
import io.grpc.stub.StreamObserver;
import vernier.server.ResourceNames;
import vernier.server.ResourceNames.TrialRef;
import vernier.server.auth.AuthInterceptor;
import vernier.server.metrics.VernierMetrics;
import vernier.server.study.StudyRegistry;
import vernier.v1.AskRequest;
import vernier.v1.AskResponse;
import vernier.v1.ReportRequest;
import vernier.v1.ReportResponse;
import vernier.v1.TellRequest;
import vernier.v1.TellResponse;
import vernier.v1.WorkerServiceGrpc;

/**
 * The worker hot path: routes each call to its study's coordinator, or to the replica that owns the
 * study ({@link Forwarding}).
 */
public final class WorkerServiceImpl extends WorkerServiceGrpc.WorkerServiceImplBase {

  private final StudyRegistry studies;
  private final VernierMetrics metrics;
  private final Forwarding forwarding;

  @Inject
  WorkerServiceImpl(StudyRegistry studies, VernierMetrics metrics, Forwarding forwarding) {
    this.studies = studies;
    this.metrics = metrics;
    this.forwarding = forwarding;
  }

  @Override
  public void ask(AskRequest request, StreamObserver<AskResponse> observer) {
    Calls.reply(
        observer,
        () -> {
          String study = ResourceNames.study("study", request.getStudy());
          return studies
              .coordinator(study)
              .ask(AuthInterceptor.asCaller(request))
              .whenComplete(
                  (r, error) -> {
                    if (r != null) {
                      metrics.asked(study, r.getStatus());
                    }
                  });
        },
        r -> r,
        forwarding.worker(stub -> stub.ask(request)));
  }

  @Override
  public void report(ReportRequest request, StreamObserver<ReportResponse> observer) {
    Calls.reply(
        observer,
        () -> {
          TrialRef ref = ResourceNames.trial("trial", request.getTrial());
          return studies.coordinator(ref.study()).report(ref, request);
        },
        r -> r,
        forwarding.worker(stub -> stub.report(request)));
  }

  @Override
  public void tell(TellRequest request, StreamObserver<TellResponse> observer) {
    Calls.reply(
        observer,
        () -> {
          TrialRef ref = ResourceNames.trial("trial", request.getTrial());
          return studies.coordinator(ref.study()).tell(ref, request);
        },
        t -> TellResponse.newBuilder().setTrial(t).build(),
        forwarding.worker(stub -> stub.tell(request)));
  }
}
