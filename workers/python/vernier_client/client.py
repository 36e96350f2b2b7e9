"""The client: a study handle that hands out trials, and trials that report and tell."""
import datetime
import logging
import os
import random
import threading
import time
import uuid

import grpc
from google.protobuf import json_format

from vernier.v1 import resources_pb2, study_service_pb2, study_service_pb2_grpc
from vernier.v1 import worker_service_pb2, worker_service_pb2_grpc

_CALL_TIMEOUT = 60.0  # per attempt
DEFAULT_RETRY_BUDGET = 60.0  # seconds, as in the Java client
_INITIAL_BACKOFF = 0.2
_MAX_BACKOFF = 5.0
_STOP = (worker_service_pb2.PRUNE, worker_service_pb2.STOP)
_FIRST_NOTICE = 1.0  # seconds: the first "waiting for the server" line, then every _NOTICE_EVERY
_NOTICE_EVERY = 5.0
_log = logging.getLogger("vernier_client")


class TrialPruned(Exception):
    """Raise it deep inside training code, once `trial.should_stop`, to leave the `with trial:` block,
    which then tells PRUNED (Java: `TrialPrunedException` in `client.run`)."""


class StudyDone(Exception):
    """The study hands out no more trials."""


class ServerUnavailable(grpc.RpcError):
    """No answer from the server within the client's retry budget. Names the address and the cause;
    `code()` is UNAVAILABLE, so code that catches `grpc.RpcError` still does."""

    # how gRPC describes a server it could not reach, as opposed to one that answered UNAVAILABLE
    _NO_ANSWER = ("failed to connect", "DNS resolution failed", "Connection refused", "Socket closed")

    def __init__(self, target, waited, cause):
        if any(s in cause for s in self._NO_ANSWER):
            message = "no answer from the server at %s after %.0f s: %s; is it running there?"
        else:
            message = "the server at %s stayed unavailable for %.0f s: %s"
        super().__init__(message % (target, waited, cause))
        self.target = target
        self._cause = cause

    def code(self):
        return grpc.StatusCode.UNAVAILABLE

    def details(self):
        return str(self)


class LeaseLost(Exception):
    """The server no longer accepts this worker for the trial (lease expired, or trial already ended)."""


def _value(v):
    kind = v.WhichOneof("kind")
    return getattr(v, kind) if kind else None


class _RetryOnUnavailable(grpc.UnaryUnaryClientInterceptor):
    """The client's retry loop. A call that fails with UNAVAILABLE (the server is unreachable or
    restarting) is tried again, with exponential backoff from 0.2 s to 5 s, until `budget` seconds
    from the call's start are spent; then it fails with that UNAVAILABLE. gRPC's own retry policy
    counts attempts and caps them at 5 in Python, so the client runs this loop itself (as the Java
    client does). Safe: asks carry a request id, tells are idempotent and a repeated report with the
    same values is accepted."""

    def __init__(self, target, budget):
        self.target = target
        self.budget = budget

    def intercept_unary_unary(self, continuation, client_call_details, request):
        start = time.monotonic()
        backoff = _INITIAL_BACKOFF
        next_notice = _FIRST_NOTICE
        while True:
            outcome = continuation(client_call_details, request)  # each attempt gets the whole timeout
            if outcome.code() != grpc.StatusCode.UNAVAILABLE:
                return outcome
            waited = time.monotonic() - start
            remaining = self.budget - waited
            if remaining <= 0:
                if self.budget == 0:
                    return outcome  # retries are off: the caller sees gRPC's own error
                raise ServerUnavailable(self.target, waited, outcome.details())
            if waited >= next_notice:
                next_notice = waited + _NOTICE_EVERY
                _log.warning("waiting for the server at %s (%d s so far): %s",
                             self.target, int(waited), outcome.details())
            time.sleep(min(backoff * random.uniform(0.8, 1.2), remaining))
            backoff = min(backoff * 2, _MAX_BACKOFF)


class _Authorization(grpc.UnaryUnaryClientInterceptor, grpc.UnaryStreamClientInterceptor,
                     grpc.StreamUnaryClientInterceptor, grpc.StreamStreamClientInterceptor):
    """Sends `authorization: Bearer <token>` with every call (servers started with --auth-tokens)."""

    def __init__(self, token):
        self.header = ("authorization", "Bearer " + token)

    def _details(self, details):
        metadata = list(details.metadata or []) + [self.header]
        return _CallDetails(details.method, details.timeout, metadata, details.credentials,
                            getattr(details, "wait_for_ready", None), getattr(details, "compression", None))

    def intercept_unary_unary(self, continuation, details, request):
        return continuation(self._details(details), request)

    def intercept_unary_stream(self, continuation, details, request):
        return continuation(self._details(details), request)

    def intercept_stream_unary(self, continuation, details, requests):
        return continuation(self._details(details), requests)

    def intercept_stream_stream(self, continuation, details, requests):
        return continuation(self._details(details), requests)


class _CallDetails(grpc.ClientCallDetails):
    def __init__(self, method, timeout, metadata, credentials, wait_for_ready, compression):
        self.method = method
        self.timeout = timeout
        self.metadata = metadata
        self.credentials = credentials
        self.wait_for_ready = wait_for_ready
        self.compression = compression


def token_from_environment(env=None):
    """The bearer token VERNIER_TOKEN holds, or the file VERNIER_TOKEN_FILE names holds; None."""
    env = os.environ if env is None else env
    token = (env.get("VERNIER_TOKEN") or "").strip()
    if token:
        return token
    path = env.get("VERNIER_TOKEN_FILE")
    if not path:
        return None
    try:
        with open(path) as f:
            token = f.readline().strip()
    except OSError as e:
        raise ValueError("cannot read the token file %s: %s" % (path, e.strerror)) from None
    if not token:
        raise ValueError("the token file %s is empty" % path)
    return token


def tls_credentials(ca=None, cert=None, key=None):
    """gRPC credentials for TLS to a Vernier server.

    `ca`: a PEM file of the CA that signed the server's certificate (None: the system's CAs);
    `cert` and `key`: this client's certificate chain and private key (PEM), for a server that
    requires client certificates (mutual TLS). Give both or neither.
    """
    if (cert is None) != (key is None):
        raise ValueError("a client certificate needs its key and the key its certificate: give both"
                         " cert and key (VERNIER_TLS_CERT and VERNIER_TLS_KEY)")

    def read(path, what):
        if path is None:
            return None
        try:
            with open(path, "rb") as f:
                return f.read()
        except OSError as e:
            raise ValueError("cannot read the TLS %s file %s: %s" % (what, path, e.strerror)) from None

    return grpc.ssl_channel_credentials(root_certificates=read(ca, "CA"),
                                        private_key=read(key, "key"),
                                        certificate_chain=read(cert, "certificate"))


def credentials_from_environment(env=None):
    """TLS credentials as VERNIER_TLS_CA, VERNIER_TLS_CERT and VERNIER_TLS_KEY (or VERNIER_TLS=1 for
    the system's CAs) ask for them, as in the Java client and the CLI; None for plaintext."""
    env = os.environ if env is None else env
    ca, cert, key = (env.get(n) or None for n in ("VERNIER_TLS_CA", "VERNIER_TLS_CERT", "VERNIER_TLS_KEY"))
    on = env.get("VERNIER_TLS", "").lower() in ("1", "true")
    if ca is None and cert is None and key is None and not on:
        return None
    return tls_credentials(ca, cert, key)


class Client:
    """A connection to a Vernier server.

    Over TLS with `credentials` (see `tls_credentials`), or as the environment asks
    (`credentials_from_environment`), else in plaintext. With `token` (default: VERNIER_TOKEN, or
    the file VERNIER_TOKEN_FILE names), every call carries it for a server started with
    --auth-tokens.

    Every call (also through `studies` and `workers`) that fails with UNAVAILABLE is retried for up to
    `retry_budget` seconds (or a `datetime.timedelta`) from its start, with exponential backoff from
    0.2 s to 5 s; 0 turns retries off.
    """

    def __init__(self, target="127.0.0.1:7070", credentials=None, retry_budget=DEFAULT_RETRY_BUDGET,
                 token=None):
        if isinstance(retry_budget, datetime.timedelta):
            retry_budget = retry_budget.total_seconds()
        if retry_budget < 0:
            raise ValueError("retry_budget must be >= 0, got %r" % retry_budget)
        # gRPC's reconnect backoff grows to 2 minutes by default: keep it within the retry backoff, so
        # a server that comes back is seen at the next attempt.
        if credentials is None:
            credentials = credentials_from_environment()
        options = [("grpc.initial_reconnect_backoff_ms", int(_INITIAL_BACKOFF * 1000)),
                   ("grpc.max_reconnect_backoff_ms", int(_MAX_BACKOFF * 1000))]
        self._channel = (grpc.secure_channel(target, credentials, options) if credentials
                         else grpc.insecure_channel(target, options))
        self.retry_budget = retry_budget
        token = token if token is not None else token_from_environment()
        calls = grpc.intercept_channel(self._channel, _Authorization(token)) if token else self._channel
        channel = grpc.intercept_channel(calls, _RetryOnUnavailable(target, retry_budget))
        self.studies = study_service_pb2_grpc.StudyServiceStub(channel)
        self.workers = worker_service_pb2_grpc.WorkerServiceStub(channel)
        # heartbeats try once: the next beat is the retry
        self._heartbeats = worker_service_pb2_grpc.WorkerServiceStub(calls)

    def call(self, method, request):
        """Calls an RPC with the client's timeout (60 s per attempt), retrying UNAVAILABLE."""
        return method(request, timeout=_CALL_TIMEOUT)

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
    """A trial leased to this worker: read `params`, `report` each step and check `should_stop`, then
    tell one outcome (`succeed`, `prune`, `fail`, `infeasible`). Use it as a context manager:

    - TrialPruned raised inside the block tells PRUNED and is swallowed;
    - any other exception tells FAILED (retryable for KeyboardInterrupt) and propagates;
    - leaving the block without telling an outcome tells PRUNED if `should_stop`, else FAILED
      (retryable).
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
        self._decision = worker_service_pb2.CONTINUE
        self._lost = None
        self._stop = threading.Event()
        expiry = assignment.lease_expire_time.seconds + assignment.lease_expire_time.nanos / 1e9
        self._period = max(0.1, (expiry - time.time()) / 3)
        self._heartbeat = threading.Thread(target=self._beat, name="vernier-heartbeat-%d" % self.number,
                                           daemon=True)
        self._heartbeat.start()

    @property
    def is_open(self):
        """False once an outcome was told or the lease was lost."""
        return self._open

    @property
    def should_stop(self):
        """Whether the last `report` was answered PRUNE (the pruner gave up on the trial) or STOP (the
        study was stopped): stop training and tell `prune()`."""
        return self._decision in _STOP

    @property
    def last_decision(self):
        """The server's answer to the last `report`: `vernier.v1.CONTINUE` (also before the first
        report), `PRUNE` or `STOP`. `should_stop` is what a training loop needs; this tells PRUNE
        from STOP."""
        return self._decision

    def report(self, step, metrics=None, **kwargs):
        """Reports metrics at `step` (>= 0) and renews the lease; then check `should_stop`."""
        values = dict(metrics or {}, **kwargs)
        request = worker_service_pb2.ReportRequest(trial=self.name, lease_id=self._lease_id, measurements=[
            resources_pb2.Measurement(step=step, metrics={k: float(v) for k, v in values.items()})])
        self._decision = self._rpc(self._client.workers.Report, request).decision

    def succeed(self, values=None, **kwargs):
        """Tells SUCCEEDED with the final metric values (every objective and constraint metric)."""
        values = dict(values or {}, **kwargs)
        return self._tell(succeeded=worker_service_pb2.TellRequest.Succeeded(
            values={k: float(v) for k, v in values.items()}))

    def prune(self):
        """Tells PRUNED: the trial stopped early because `should_stop` said so."""
        return self._tell(pruned=worker_service_pb2.TellRequest.Pruned())

    def fail(self, reason, retryable=False):
        """Tells FAILED; a retryable failure is run again while the study's max_attempts allows."""
        return self._tell(failed=worker_service_pb2.TellRequest.Failed(reason=reason, retryable=retryable))

    def infeasible(self, reason):
        """Tells INFEASIBLE: these parameters cannot be evaluated."""
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
                self._client._heartbeats.Report(
                    worker_service_pb2.ReportRequest(trial=self.name, lease_id=self._lease_id),
                    timeout=_CALL_TIMEOUT)
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
            elif self.should_stop:
                self.prune()
            else:
                self.fail("the trial ended without an outcome", retryable=True)
        except LeaseLost:
            pass
        return False
