"""The client: a study handle that hands out trials, and trials that report and tell."""
import json
import threading
import time
import uuid

import grpc
from google.protobuf import json_format

from vernier.v1 import resources_pb2, study_service_pb2, study_service_pb2_grpc
from vernier.v1 import worker_service_pb2, worker_service_pb2_grpc

_CALL_TIMEOUT = 60.0

# Retry every Vernier call on UNAVAILABLE with exponential backoff. Safe: asks carry a request id,
# tells are idempotent and a repeated report with the same values is accepted.
_SERVICE_CONFIG = json.dumps({"methodConfig": [{
    "name": [{"service": "vernier.v1.WorkerService"}, {"service": "vernier.v1.StudyService"}],
    "retryPolicy": {"maxAttempts": 5, "initialBackoff": "0.2s", "maxBackoff": "5s",
                    "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]},
}]})


class TrialPruned(Exception):
    """The server told the trial to stop (pruned, or the study was stopped). Leave the `with` block."""


class StudyDone(Exception):
    """The study hands out no more trials."""


class LeaseLost(Exception):
    """The server no longer accepts this worker for the trial (lease expired, or trial already ended)."""


def _value(v):
    kind = v.WhichOneof("kind")
    return getattr(v, kind) if kind else None


class Client:
    """A connection to a Vernier server."""

    def __init__(self, target="127.0.0.1:7070", credentials=None):
        options = [("grpc.enable_retries", 1), ("grpc.service_config", _SERVICE_CONFIG)]
        self._channel = (grpc.secure_channel(target, credentials, options) if credentials
                         else grpc.insecure_channel(target, options))
        self.studies = study_service_pb2_grpc.StudyServiceStub(self._channel)
        self.workers = worker_service_pb2_grpc.WorkerServiceStub(self._channel)

    def call(self, method, request):
        """Calls an RPC, waiting for the server to be reachable."""
        return method(request, timeout=_CALL_TIMEOUT, wait_for_ready=True)

    def create_study(self, study_id, spec):
        """Creates a study (or returns it when it exists with the same spec).

        `spec` is a vernier.v1.StudySpec or a dict in its JSON form (proto or camelCase field names).
        """
        if isinstance(spec, dict):
            spec = json_format.ParseDict(spec, resources_pb2.StudySpec())
        self.call(self.studies.CreateStudy, study_service_pb2.CreateStudyRequest(study_id=study_id, spec=spec))
        return Study(self, "studies/" + study_id)

    def create_study_from_file(self, path):
        """Creates a study from a YAML or JSON file shaped like vernier.v1.CreateStudyRequest."""
        import yaml  # Debian: python3-yaml
        with open(path, encoding="utf-8") as f:
            request = json_format.ParseDict(yaml.safe_load(f), study_service_pb2.CreateStudyRequest())
        self.call(self.studies.CreateStudy, request)
        return Study(self, "studies/" + request.study_id)

    def study(self, study_id):
        """A handle on an existing study."""
        name = study_id if study_id.startswith("studies/") else "studies/" + study_id
        self.call(self.studies.GetStudy, study_service_pb2.GetStudyRequest(name=name))
        return Study(self, name)

    def close(self):
        self._channel.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Study:
    """A study: asks for trials and reads results."""

    def __init__(self, client, name):
        self._client = client
        self.name = name

    def trial(self, worker_id="python"):
        """The next trial, waiting while the server says WAIT. Raises StudyDone when there is none."""
        request_id = str(uuid.uuid4())
        while True:
            r = self._client.call(self._client.workers.Ask, worker_service_pb2.AskRequest(
                study=self.name, worker_id=worker_id, count=1, request_id=request_id))
            if r.status == worker_service_pb2.AskResponse.ASSIGNED:
                return Trial(self._client, r.assignments[0])
            if r.status == worker_service_pb2.AskResponse.STUDY_DONE:
                raise StudyDone(self.name)
            time.sleep(max(0.01, r.retry_after.seconds + r.retry_after.nanos / 1e9))
            request_id = str(uuid.uuid4())  # a new ask, not a replay of the one that got nothing

    def trials(self, worker_id="python"):
        """Yields trials until the study is done."""
        while True:
            try:
                yield self.trial(worker_id)
            except StudyDone:
                return

    def best_trials(self):
        """The best trial (single objective) or the Pareto front, as vernier.v1.Trial messages."""
        return list(self._client.call(self._client.studies.ListBestTrials,
                                      study_service_pb2.ListBestTrialsRequest(study=self.name)).trials)

    def get(self):
        """The study as a vernier.v1.Study message (spec, state, trial counts)."""
        return self._client.call(self._client.studies.GetStudy, study_service_pb2.GetStudyRequest(name=self.name))


class Trial:
    """A trial leased to this worker. Use it as a context manager:

    - TrialPruned raised inside the block tells PRUNED and is swallowed;
    - any other exception tells FAILED (retryable for KeyboardInterrupt) and propagates;
    - leaving the block without telling an outcome tells FAILED.
    While the trial is open, a background thread heartbeats its lease.
    """

    def __init__(self, client, assignment):
        self._client = client
        self.proto = assignment.trial
        self.name = assignment.trial.name
        self.number = assignment.trial.number
        self.attempt = assignment.trial.attempt
        self._lease_id = assignment.lease_id
        self.params = {k: _value(v) for k, v in assignment.trial.params.items()}
        # Population-based training: (trial number, step) of the checkpoint to start from, or None;
        # the step to train until (None: you decide).
        t = assignment.trial
        self.start_from = (t.start_from.trial, t.start_from.step) if t.HasField("start_from") else None
        self.max_step = t.max_step or None
        self._open = True
        self._lost = None
        self._stop = threading.Event()
        expiry = assignment.lease_expire_time.seconds + assignment.lease_expire_time.nanos / 1e9
        self._period = max(0.1, (expiry - time.time()) / 3)
        self._heartbeat = threading.Thread(target=self._beat, name="vernier-heartbeat-%d" % self.number,
                                           daemon=True)
        self._heartbeat.start()

    @property
    def is_open(self):
        return self._open

    def report(self, step, metrics=None, **kwargs):
        """Reports metrics at `step`; raises TrialPruned when the server says PRUNE or STOP."""
        values = dict(metrics or {}, **kwargs)
        request = worker_service_pb2.ReportRequest(trial=self.name, lease_id=self._lease_id, measurements=[
            resources_pb2.Measurement(step=step, metrics={k: float(v) for k, v in values.items()})])
        response = self._rpc(self._client.workers.Report, request)
        if response.decision in (worker_service_pb2.PRUNE, worker_service_pb2.STOP):
            raise TrialPruned("%s: %s" % (self.name, worker_service_pb2.Decision.Name(response.decision)))
        return response.decision

    def succeed(self, values=None, **kwargs):
        """Tells SUCCEEDED with the final metric values (every objective and constraint metric)."""
        values = dict(values or {}, **kwargs)
        return self._tell(succeeded=worker_service_pb2.TellRequest.Succeeded(
            values={k: float(v) for k, v in values.items()}))

    def prune(self):
        return self._tell(pruned=worker_service_pb2.TellRequest.Pruned())

    def fail(self, reason, retryable=False):
        return self._tell(failed=worker_service_pb2.TellRequest.Failed(reason=reason, retryable=retryable))

    def infeasible(self, reason):
        return self._tell(infeasible=worker_service_pb2.TellRequest.Infeasible(reason=reason))

    def _tell(self, **outcome):
        if not self._open:
            raise RuntimeError("%s was already told" % self.name)
        told = self._rpc(self._client.workers.Tell, worker_service_pb2.TellRequest(
            trial=self.name, lease_id=self._lease_id, request_id=str(uuid.uuid4()), **outcome)).trial
        self._end()  # a refused tell (e.g. a missing objective) leaves the trial open to tell again
        return told

    def _rpc(self, method, request):
        if self._lost is not None:
            self._end()
            raise LeaseLost("%s: %s" % (self.name, self._lost.details()))
        try:
            return self._client.call(method, request)
        except grpc.RpcError as e:
            if e.code() == grpc.StatusCode.FAILED_PRECONDITION:
                self._end()
                raise LeaseLost("%s: %s" % (self.name, e.details())) from e
            raise

    def _beat(self):
        while not self._stop.wait(self._period):
            try:
                self._client.call(self._client.workers.Report,
                                  worker_service_pb2.ReportRequest(trial=self.name, lease_id=self._lease_id))
            except grpc.RpcError as e:
                if e.code() == grpc.StatusCode.FAILED_PRECONDITION:
                    self._lost = e
                    return

    def _end(self):
        self._open = False
        self._stop.set()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if not self._open:
            return exc_type is TrialPruned
        try:
            if exc_type is TrialPruned:
                self.prune()
                return True
            if exc_type is not None:
                self.fail("%s: %s" % (exc_type.__name__, exc), retryable=exc_type is KeyboardInterrupt)
            else:
                self.fail("the trial ended without an outcome", retryable=True)
        except LeaseLost:
            pass
        return False
