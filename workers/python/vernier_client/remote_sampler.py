"""Serve a sampler written in Python to a Vernier server (vernier.plugin.v1.RemoteSampler).

A study uses it by naming the built-in sampler `remote` with this process's endpoint:

    sampler:
      name: remote
      settings:
        endpoint: "localhost:50071"
        plugin_settings: {sampler: tpe, options: {n_startup_trials: 5}}

Run one process that serves any Optuna sampler, chosen per study by `plugin_settings.sampler`:

    python3 -m vernier_client.remote_sampler --port 50071

or write your own: subclass `Session` (one per study and server), and serve it with
`serve(MySession, port)`. The server sends each session only the trials that changed since its
previous call; this module keeps the sessions, checks the call sequence and asks for a resync when
it has lost track (e.g. after this process restarted), so a Session only sees `update` and `suggest`.
"""
import argparse
import collections
import threading
from concurrent import futures

from . import _GENERATED  # noqa: F401  (puts the generated stubs on sys.path)
import grpc
from google.protobuf import json_format
from vernier.plugin.v1 import sampler_pb2, sampler_pb2_grpc
from vernier.v1 import resources_pb2

State = resources_pb2.Trial.State


def to_python(value):
    """A vernier.v1.ParamValue as a Python value."""
    return getattr(value, value.WhichOneof("kind"))


def to_proto(value):
    """A Python value as a vernier.v1.ParamValue (bool before int: bool is an int in Python)."""
    if isinstance(value, bool):
        return resources_pb2.ParamValue(bool_value=value)
    if isinstance(value, int):
        return resources_pb2.ParamValue(int_value=value)
    if isinstance(value, float):
        return resources_pb2.ParamValue(double_value=value)
    return resources_pb2.ParamValue(string_value=str(value))


def is_active(parameter, assigned):
    """Whether a vernier.v1.ParameterSpec is active given the values assigned to earlier parameters."""
    if not parameter.HasField("condition"):
        return True
    parent = parameter.condition.parent
    return parent in assigned and assigned[parent] in [to_python(v) for v in parameter.condition.values]


class Session:
    """One study's sampler. `study` is a vernier.plugin.v1.StudyInfo; `settings` its plugin_settings.

    `study.seed` is the study's seed when the session starts with the study, and the seed of the
    resync call when it starts later (this process restarted or forgot it), so a sampler seeded from
    it does not replay the draws it made before.
    """

    def __init__(self, study, settings):
        self.study = study
        self.settings = settings

    def update(self, trials):
        """Trials (vernier.plugin.v1.TrialUpdate) that are new or changed state, in number order."""
        raise NotImplementedError

    def suggest(self, seed):
        """A dict of values for every active parameter, or None when there is nothing more to try."""
        raise NotImplementedError


class RemoteSamplerService(sampler_pb2_grpc.RemoteSamplerServicer):
    """Keeps the sessions and their call sequence; calls of one session never overlap.

    At most `max_sessions` sessions are kept, the least recently called dropped first (a dropped
    session that calls again is asked to resync), and the last `max_requests` requests.
    """

    def __init__(self, make_session, max_sessions=1000, max_requests=1000):
        self._make_session = make_session
        self._sessions = collections.OrderedDict()
        self._lock = threading.Lock()
        self._max_sessions = max_sessions
        self._max_requests = max_requests
        self.requests = []  # the latest requests received, for tests and debugging

    def Suggest(self, request, context):
        with self._lock:
            self.requests.append(request)
            del self.requests[:-self._max_requests]
            if request.reset:
                settings = json_format.MessageToDict(request.study.settings)
                study = request.study
                if request.trials:  # a resync: seed from this call, not from the study's start
                    study = sampler_pb2.StudyInfo()
                    study.CopyFrom(request.study)
                    study.seed = request.random_seed
                try:
                    session = self._make_session(study, settings)
                except (ValueError, TypeError, KeyError) as e:
                    context.abort(grpc.StatusCode.INVALID_ARGUMENT, "plugin_settings: %s" % e)
                self._sessions[request.session] = [session, request.sequence]
                while len(self._sessions) > self._max_sessions:
                    self._sessions.popitem(last=False)
            entry = self._sessions.get(request.session)
            if entry is None or entry[1] != request.sequence:
                return sampler_pb2.SuggestResponse(resync=True)
            self._sessions.move_to_end(request.session)
            session = entry[0]
            session.update(request.trials)
            entry[1] += 1
            params = session.suggest(request.random_seed)
        if params is None:
            return sampler_pb2.SuggestResponse(exhausted=True)
        suggestion = sampler_pb2.Suggestion(params={k: to_proto(v) for k, v in params.items()})
        return sampler_pb2.SuggestResponse(suggestion=suggestion)

    def session_count(self):
        with self._lock:
            return len(self._sessions)


def serve(make_session, port, host="[::]", workers=8):
    """Starts a gRPC server for `make_session(study, settings)` sessions; returns (server, service)."""
    service = RemoteSamplerService(make_session)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=workers))
    sampler_pb2_grpc.add_RemoteSamplerServicer_to_server(service, server)
    if server.add_insecure_port("%s:%d" % (host, port)) == 0:
        raise OSError("cannot listen on %s:%d" % (host, port))
    server.start()
    return server, service


class OptunaSession(Session):
    """Any Optuna sampler, over an in-memory Optuna study kept in step with the Vernier study.

    plugin_settings: `sampler` (tpe, random, cmaes, nsga2, qmc, or an optuna.samplers class name;
    default tpe) and `options` (keyword arguments of that class; `seed` defaults to the study's).
    Constraints reach the sampler as Optuna's constraint values (<= 0 is feasible) where the sampler
    takes a `constraints_func`.
    """

    NAMES = {"tpe": "TPESampler", "random": "RandomSampler", "cmaes": "CmaEsSampler", "nsga2": "NSGAIISampler",
             "qmc": "QMCSampler"}
    STATES = {State.ACTIVE: "RUNNING", State.SUCCEEDED: "COMPLETE", State.PRUNED: "PRUNED", State.FAILED: "FAIL",
              State.INFEASIBLE: "FAIL", State.ABANDONED: "FAIL"}

    def __init__(self, study, settings):
        super().__init__(study, settings)
        import optuna
        self.optuna = optuna
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        name = settings.get("sampler", "tpe")
        cls = getattr(optuna.samplers, self.NAMES.get(name, name), None)
        if not isinstance(cls, type):
            raise ValueError("unknown Optuna sampler '%s' (tpe, random, cmaes, nsga2, qmc or a class name)" % name)
        options = dict(settings.get("options", {}))
        options.setdefault("seed", study.seed % 2**32)  # Optuna takes 32-bit seeds; the server's are 64-bit
        for key, value in options.items():  # JSON numbers arrive as floats
            if isinstance(value, float) and value.is_integer():
                options[key] = int(value)
        if study.constraints and "constraints_func" in cls.__init__.__code__.co_varnames:
            options["constraints_func"] = lambda trial: trial.system_attrs.get("constraints", [0.0])
        directions = ["minimize" if o.direction == resources_pb2.MINIMIZE else "maximize" for o in study.objectives]
        self.store = optuna.create_study(directions=directions, sampler=cls(**options))
        self.distributions = {p.name: self._distribution(p) for p in study.parameters}
        self.ids = {}  # Vernier trial number -> Optuna trial id

    def _distribution(self, p):
        d = self.optuna.distributions
        kind = p.WhichOneof("domain")
        if kind == "float_domain":
            f = p.float_domain
            return d.FloatDistribution(f.min, f.max, log=f.log_scale, step=f.step or None)
        if kind == "int_domain":
            i = p.int_domain
            return d.IntDistribution(i.min, i.max, log=i.log_scale, step=i.step or 1)
        return d.CategoricalDistribution([to_python(c) for c in p.categorical.choices])

    def _suggest(self, trial, name, dist):
        d = self.optuna.distributions
        if isinstance(dist, d.FloatDistribution):
            return trial.suggest_float(name, dist.low, dist.high, log=dist.log, step=dist.step)
        if isinstance(dist, d.IntDistribution):
            return trial.suggest_int(name, dist.low, dist.high, log=dist.log, step=dist.step)
        return trial.suggest_categorical(name, dist.choices)

    def _values(self, trial):
        metrics = [o.metric for o in self.study.objectives]
        if trial.state != State.SUCCEEDED or any(m not in trial.values for m in metrics):
            return None
        return [trial.values[m] for m in metrics]

    def _violations(self, trial):
        out = []
        for c in self.study.constraints:
            v = trial.values.get(c.metric, float("inf"))
            lower = c.lower_bound.value if c.HasField("lower_bound") else float("-inf")
            upper = c.upper_bound.value if c.HasField("upper_bound") else float("inf")
            out.append(max(lower - v, v - upper))
        return out

    def update(self, trials):
        TrialState = self.optuna.trial.TrialState
        storage = self.store._storage
        for t in trials:
            if t.state not in self.STATES:
                continue  # WAITING: not started yet
            values = self._values(t)
            state = getattr(TrialState, self.STATES[t.state])
            if state == TrialState.COMPLETE and values is None:
                state = TrialState.FAIL
            if t.number in self.ids:
                # attributes first: Optuna refuses to change a trial once it is finished
                if self.study.constraints and state == TrialState.COMPLETE:
                    storage.set_trial_system_attr(self.ids[t.number], "constraints", self._violations(t))
                if state != TrialState.RUNNING:
                    storage.set_trial_state_values(self.ids[t.number], state, values)
                continue
            params = {k: to_python(v) for k, v in t.params.items() if k in self.distributions}
            frozen = self.optuna.trial.create_trial(
                state=state, values=values if state == TrialState.COMPLETE else None, params=params,
                distributions={k: self.distributions[k] for k in params},
                system_attrs={"constraints": self._violations(t)} if self.study.constraints else None)
            self.ids[t.number] = storage.create_new_trial(self.store._study_id, template_trial=frozen)

    def suggest(self, seed):
        trial = self.store.ask()
        params = {}
        for p in self.study.parameters:
            if is_active(p, params):
                params[p.name] = self._suggest(trial, p.name, self.distributions[p.name])
        # The server will send this point back as a real trial with its own number.
        self.store.tell(trial, state=self.optuna.trial.TrialState.FAIL)
        return params


def main():
    parser = argparse.ArgumentParser(description="Serve Optuna's samplers to Vernier studies (sampler `remote`).")
    parser.add_argument("--port", type=int, default=50071)
    parser.add_argument("--host", default="[::]")
    args = parser.parse_args()
    server, _ = serve(OptunaSession, args.port, args.host)
    print("serving vernier.plugin.v1.RemoteSampler (Optuna samplers) on %s:%d" % (args.host, args.port), flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    main()
