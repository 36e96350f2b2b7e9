"""The Python client against the real server process (bin/vernier server)."""
import os
import subprocess
import sys
import time
import unittest

from server_process import HERE, ROOT, ServerProcess

import grpc  # noqa: E402
import vernier_client as vc  # noqa: E402
from vernier.v1 import resources_pb2, study_service_pb2  # noqa: E402


def spec(**extra):
    s = {
        "objectives": [{"metric": "loss", "direction": "MINIMIZE"}],
        "parameters": [
            {"name": "lr", "floatDomain": {"min": 1e-4, "max": 1.0, "logScale": True}},
            {"name": "layers", "intDomain": {"min": 1, "max": 4}},
            {"name": "optimizer", "categorical": {"choices": [{"stringValue": "adam"}, {"stringValue": "sgd"}]}},
            {"name": "momentum", "floatDomain": {"min": 0.0, "max": 0.9},
             "condition": {"parent": "optimizer", "values": [{"stringValue": "sgd"}]}},
        ],
        "seed": 5,
    }
    s.update(extra)
    return s


class ClientTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.server = ServerProcess()
        cls.client = cls.server.client
        cls.target = cls.server.target

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_sweep_with_typed_params_and_best_trial(self):
        study = self.client.create_study("py-sweep", spec(limits={"maxTrials": 6}))
        told = []
        for trial in study.trials(worker_id="py"):
            with trial:
                p = trial.params
                self.assertIsInstance(p["lr"], float)
                self.assertIsInstance(p["layers"], int)
                self.assertIn(p["optimizer"], ("adam", "sgd"))
                self.assertEqual("momentum" in p, p["optimizer"] == "sgd")
                loss = p["lr"] + p["layers"]
                for step in range(3):
                    trial.report(step, loss=loss + 1.0 / (step + 1))
                trial.succeed(loss=loss)
                told.append(loss)
        self.assertEqual(len(told), 6)
        best = study.best_trials()
        self.assertEqual(len(best), 1)
        self.assertAlmostEqual(best[0].values["loss"], min(told))
        self.assertEqual(study.get().trial_counts.succeeded, 6)
        with self.assertRaises(vc.StudyDone):
            study.trial()

    def test_prune_raises_inside_the_block_and_tells_pruned(self):
        study = self.client.create_study("py-prune", spec(pruner={"name": "median",
                                                                  "settings": {"n_startup_trials": 1}}))
        with study.trial() as good:
            for step in range(5):
                good.report(step, loss=0.1)
            good.succeed(loss=0.1)
        reports = 0
        with study.trial() as bad:
            for step in range(50):
                reports += 1
                bad.report(step, loss=10.0)
            bad.succeed(loss=10.0)
        self.assertEqual(reports, 1)  # stopped at the first report
        self.assertFalse(bad.is_open)
        trial = self.client.studies.GetTrial(study_service_pb2.GetTrialRequest(name=bad.name))
        self.assertEqual(trial.state, resources_pb2.Trial.PRUNED)

    def test_exception_in_block_tells_failed_and_propagates(self):
        study = self.client.create_study("py-fail", spec())
        with self.assertRaises(ZeroDivisionError):
            with study.trial() as trial:
                1 / 0
        stored = self.client.studies.GetTrial(study_service_pb2.GetTrialRequest(name=trial.name))
        self.assertEqual(stored.state, resources_pb2.Trial.FAILED)
        self.assertIn("ZeroDivisionError", stored.failure_reason)

    def test_heartbeat_keeps_a_silent_trial_alive(self):
        study = self.client.create_study("py-heartbeat", spec(limits={"leaseDuration": "0.6s"}))
        with study.trial() as trial:
            time.sleep(2.0)
            self.assertEqual(trial.succeed(loss=1.0).state, resources_pb2.Trial.SUCCEEDED)

    def test_population_based_training_plans_reach_the_trial(self):
        study = self.client.create_study("py-pbt", spec(sampler={"name": "pbt", "settings": {
            "population_size": 2, "interval": 5, "max_step": 10}}))
        a, b = study.trial(), study.trial()
        self.assertIsNone(a.start_from)
        self.assertEqual(a.max_step, 5)
        b.succeed(loss=1.0)
        a.succeed(loss=2.0)
        c = study.trial()
        self.assertEqual(c.start_from, (b.number, 5))
        self.assertEqual(c.max_step, 10)
        c.succeed(loss=0.5)

    def test_bad_spec_names_the_field(self):
        with self.assertRaises(grpc.RpcError) as e:
            self.client.create_study("py-bad", spec(parameters=[{"name": "x", "intDomain": {"min": 3, "max": 1}}]))
        self.assertEqual(e.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn("spec.parameters[0].int_domain.min", e.exception.details())

    def test_study_from_the_example_yaml(self):
        study = self.client.create_study_from_file(os.path.join(ROOT, "examples", "study.yaml"))
        self.assertEqual(study.name, "studies/mlp-sweep")
        self.assertEqual(study.get().spec.limits.max_trials, 100)

    def test_scikit_learn_example_runs_a_sweep(self):
        out = subprocess.run(
            [sys.executable, os.path.join(HERE, "..", "examples", "tune_sklearn.py"), "--server", self.target,
             "--study", "py-sklearn", "--trials", "8", "--workers", "2", "--epochs", "5"],
            capture_output=True, text=True, timeout=300)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("best trial", out.stdout)
        counts = self.client.study("py-sklearn").get().trial_counts
        self.assertEqual(counts.succeeded + counts.pruned, 8)


if __name__ == "__main__":
    unittest.main()
