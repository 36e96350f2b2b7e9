"""A remote sampler in Python (Optuna's TPE over vernier.plugin.v1) used by the real server process."""
import unittest

from server_process import ServerProcess, free_port

import grpc  # noqa: E402
import vernier_client as vc  # noqa: E402
from vernier_client import remote_sampler  # noqa: E402

SPACE = [
    {"name": "lr", "floatDomain": {"min": 1e-4, "max": 1.0, "logScale": True}},
    {"name": "layers", "intDomain": {"min": 1, "max": 8}},
    {"name": "optimizer", "categorical": {"choices": [{"stringValue": "adam"}, {"stringValue": "sgd"}]}},
    {"name": "momentum", "floatDomain": {"min": 0.0, "max": 0.9},
     "condition": {"parent": "optimizer", "values": [{"stringValue": "sgd"}]}},
]


def loss_of(p):
    import math
    return (math.log10(p["lr"]) + 2) ** 2 + 0.1 * (p["layers"] - 3) ** 2 + (0.5 if p["optimizer"] == "sgd" else 0)


class RemoteSamplerTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.server = ServerProcess()
        cls.client = cls.server.client

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        self.port = free_port()
        self.plugin, self.service = remote_sampler.serve(remote_sampler.OptunaSession, self.port, "127.0.0.1")

    def tearDown(self):
        self.plugin.stop(0)

    def create(self, study_id, plugin_settings, trials):
        return self.client.create_study(study_id, {
            "objectives": [{"metric": "loss", "direction": "MINIMIZE"}], "parameters": SPACE, "seed": 3,
            "sampler": {"name": "remote", "settings": {"endpoint": "127.0.0.1:%d" % self.port,
                                                       "plugin_settings": plugin_settings}},
            "limits": {"maxTrials": trials}})

    def run_trials(self, study, n, params=None):
        told = []
        for _ in range(n):
            with study.trial(worker_id="py") as trial:
                p = trial.params
                self.assertEqual("momentum" in p, p["optimizer"] == "sgd")
                self.assertIsInstance(p["layers"], int)
                told.append(loss_of(p))
                if params is not None:
                    params.append(dict(p))
                trial.succeed(loss=told[-1])
        return told

    def test_optuna_tpe_serves_a_study_from_deltas(self):
        study = self.create("remote-tpe", {"sampler": "tpe", "options": {"n_startup_trials": 5}}, 30)
        told = self.run_trials(study, 30)
        requests = self.service.requests
        self.assertEqual(len(requests), 30)
        self.assertTrue(requests[0].reset)
        self.assertEqual(len(requests[0].study.parameters), 4)
        for i, r in enumerate(requests[1:], start=1):
            self.assertFalse(r.reset)
            self.assertEqual(r.sequence, i)
            # only what changed: the previous trial, now SUCCEEDED (its ACTIVE state was never seen,
            # since the next ask came after the tell)
            self.assertEqual([t.number for t in r.trials], [i - 1])
        # the Optuna study rebuilt from the deltas holds exactly the server's results
        session = next(iter(self.service._sessions.values()))[0]
        completed = [t.value for t in session.store.trials if t.state.name == "COMPLETE"]
        self.assertEqual(sorted(completed), sorted(told[:-1]))
        # TPE after 5 random trials finds the region of the optimum (lr 1e-2, 3 layers, adam)
        self.assertLess(min(told), 0.3)
        self.assertLess(sorted(told[15:])[len(told[15:]) // 2], sorted(told[:5])[2])

    def test_a_restarted_plugin_gets_the_whole_history(self):
        study = self.create("remote-restart", {"sampler": "random"}, 12)
        before, after = [], []
        self.run_trials(study, 6, before)
        self.plugin.stop(0)
        self.plugin, self.service = remote_sampler.serve(remote_sampler.OptunaSession, self.port, "127.0.0.1")
        self.run_trials(study, 6, after)
        first, second = self.service.requests[0], self.service.requests[1]
        self.assertFalse(first.reset)  # answered resync: this process never saw the session
        self.assertTrue(second.reset)
        self.assertEqual([t.number for t in second.trials], list(range(6)))
        self.assertEqual(study.get().trial_counts.succeeded, 12)
        # the new session is seeded from the resync call, not the study's start: no replayed points
        self.assertEqual([p for p in after if p in before], [])

    def test_sessions_and_kept_requests_are_bounded(self):
        class Counting(remote_sampler.Session):
            def update(self, trials):
                pass

            def suggest(self, seed):
                return {"x": 1.0}

        service = remote_sampler.RemoteSamplerService(Counting, max_sessions=2, max_requests=3)
        from vernier.plugin.v1 import sampler_pb2
        for name in ["a", "b", "c"]:
            reply = service.Suggest(sampler_pb2.SuggestRequest(session=name, reset=True, sequence=0), None)
            self.assertTrue(reply.HasField("suggestion"))
        self.assertEqual(service.session_count(), 2)
        self.assertEqual(len(service.requests), 3)
        # "a" was dropped, least recently called: it is asked to resync; "c" goes on
        self.assertTrue(service.Suggest(sampler_pb2.SuggestRequest(session="a", sequence=1), None).resync)
        self.assertFalse(service.Suggest(sampler_pb2.SuggestRequest(session="c", sequence=1), None).resync)
        self.assertEqual(len(service.requests), 3)

    def test_a_bad_plugin_setting_reaches_the_worker(self):
        self.create("remote-bad", {"sampler": "no-such-sampler"}, 3)
        with vc.Client(self.server.target, retry_budget=3) as client:  # the server says UNAVAILABLE
            with self.assertRaises(grpc.RpcError) as e:
                client.study("remote-bad").trial(worker_id="py")
        self.assertEqual(e.exception.code(), grpc.StatusCode.UNAVAILABLE)
        self.assertIn("unknown Optuna sampler 'no-such-sampler'", e.exception.details())
        self.assertTrue(e.exception.details().startswith(
            "the server at %s stayed unavailable for " % self.server.target), e.exception.details())


if __name__ == "__main__":
    unittest.main()
