"""The Python client against the real server process (bin/vernier server), and its retry loop."""
import datetime
import re
import os
import subprocess
import sys
import threading
import time
import unittest
from concurrent import futures

from server_process import HERE, ROOT, ServerProcess, free_port

import grpc  # noqa: E402
import vernier_client as vc  # noqa: E402
from vernier.v1 import resources_pb2, study_service_pb2, study_service_pb2_grpc  # noqa: E402
from vernier.v1 import worker_service_pb2  # noqa: E402


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
                    self.assertFalse(trial.should_stop)
                    self.assertEqual(trial.last_decision, worker_service_pb2.CONTINUE)
                trial.succeed(loss=loss)
                told.append(loss)
        self.assertEqual(len(told), 6)
        best = study.best_trials()
        self.assertEqual(len(best), 1)
        self.assertAlmostEqual(best[0].values["loss"], min(told))
        self.assertEqual(study.get().trial_counts.succeeded, 6)
        with self.assertRaises(vc.StudyDone):
            study.trial()

    def state(self, trial):
        return self.client.studies.GetTrial(study_service_pb2.GetTrialRequest(name=trial.name)).state

    def test_report_then_should_stop_on_prune_and_the_trial_is_told_pruned(self):
        study = self.client.create_study("py-prune", spec(pruner={"name": "median",
                                                                  "settings": {"n_startup_trials": 1}}))
        with study.trial() as good:
            for step in range(5):
                good.report(step, loss=0.1)
                self.assertFalse(good.should_stop)
            good.succeed(loss=0.1)
        reports = 0
        with study.trial() as bad:
            for step in range(50):
                reports += 1
                bad.report(step, loss=10.0)
                if bad.should_stop:
                    bad.prune()
                    break
            if bad.is_open:
                bad.succeed(loss=10.0)
        self.assertEqual(reports, 1)  # stopped at the first report
        self.assertEqual(bad.last_decision, worker_service_pb2.PRUNE)
        self.assertFalse(bad.is_open)
        self.assertEqual(self.state(bad), resources_pb2.Trial.PRUNED)

    def test_a_stopped_study_answers_stop_and_leaving_the_block_untold_tells_pruned(self):
        study = self.client.create_study("py-stop", spec())
        with study.trial() as trial:
            trial.report(0, loss=1.0)
            self.assertFalse(trial.should_stop)
            self.client.call(self.client.studies.SetStudyState, study_service_pb2.SetStudyStateRequest(
                name=study.name, state=resources_pb2.Study.STOPPED))
            trial.report(1, loss=0.9)
            self.assertTrue(trial.should_stop)
            self.assertEqual(trial.last_decision, worker_service_pb2.STOP)
        self.assertEqual(self.state(trial), resources_pb2.Trial.PRUNED)

    def test_trial_pruned_raised_deep_in_training_code_tells_pruned(self):
        study = self.client.create_study("py-raise", spec())

        def train(trial):
            raise vc.TrialPruned("stop here")

        with study.trial() as trial:
            train(trial)
        self.assertEqual(self.state(trial), resources_pb2.Trial.PRUNED)

    def test_outcomes_succeed_prune_fail_infeasible(self):
        study = self.client.create_study("py-outcomes", spec())
        self.assertEqual(study.trial().succeed(loss=1.0).state, resources_pb2.Trial.SUCCEEDED)
        self.assertEqual(study.trial().prune().state, resources_pb2.Trial.PRUNED)
        failed = study.trial().fail("diverged")
        self.assertEqual((failed.state, failed.retryable), (resources_pb2.Trial.FAILED, False))
        self.assertTrue(study.trial().fail("out of memory", retryable=True).retryable)
        self.assertEqual(study.trial().infeasible("too big").state, resources_pb2.Trial.INFEASIBLE)
        trial = study.trial()
        trial.prune()
        with self.assertRaises(RuntimeError):
            trial.succeed(loss=1.0)

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


class FlakyStudies(study_service_pb2_grpc.StudyServiceServicer):
    """Answers GetStudy UNAVAILABLE `unavailable` times, then with the study; counts the calls."""

    def __init__(self, unavailable=0):
        self.unavailable = unavailable
        self.calls = 0
        self.lock = threading.Lock()

    def GetStudy(self, request, context):
        with self.lock:
            self.calls += 1
            flaky = self.calls <= self.unavailable
        if flaky:
            context.abort(grpc.StatusCode.UNAVAILABLE, "restarting")
        return resources_pb2.Study(name=request.name)


class RetryTest(unittest.TestCase):
    """Calls retry UNAVAILABLE for a time budget, not a number of attempts."""

    def serve(self, servicer, port=0):
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
        study_service_pb2_grpc.add_StudyServiceServicer_to_server(servicer, server)
        port = server.add_insecure_port("127.0.0.1:%d" % port)
        server.start()
        self.addCleanup(server.stop, None)
        return "127.0.0.1:%d" % port

    def test_nothing_listening_gives_up_after_the_retry_budget_not_after_some_attempts(self):
        target = "127.0.0.1:%d" % free_port()
        for budget in (0.5, datetime.timedelta(seconds=2.5)):
            seconds = budget.total_seconds() if isinstance(budget, datetime.timedelta) else budget
            with vc.Client(target, retry_budget=budget) as client:
                start = time.monotonic()
                with self.assertRaises(grpc.RpcError) as e:
                    client.study("none")
                took = time.monotonic() - start
            self.assertEqual(e.exception.code(), grpc.StatusCode.UNAVAILABLE)
            self.assertGreaterEqual(took, seconds)
            self.assertLess(took, seconds + 2.0)

    def test_a_wrong_address_is_named_while_waiting_and_in_the_error(self):
        target = "127.0.0.1:%d" % free_port()
        with vc.Client(target, retry_budget=2.5) as client:
            with self.assertLogs("vernier_client", level="WARNING") as logs:
                with self.assertRaises(vc.ServerUnavailable) as e:
                    client.study("none")
        self.assertRegex(logs.output[0],
                         r"waiting for the server at %s \(\d+ s so far\): " % re.escape(target))
        message = str(e.exception)
        self.assertTrue(message.startswith("no answer from the server at %s after " % target), message)
        self.assertIn("is it running there?", message)
        self.assertEqual(e.exception.code(), grpc.StatusCode.UNAVAILABLE)

    def test_unavailable_is_retried_within_the_budget(self):
        studies = FlakyStudies(unavailable=3)
        with vc.Client(self.serve(studies), retry_budget=30) as client:
            start = time.monotonic()
            self.assertEqual(client.study("s").name, "studies/s")
            took = time.monotonic() - start
        self.assertEqual(studies.calls, 4)  # three UNAVAILABLE, then the answer
        self.assertGreater(took, 1.1)  # backoff 0.2 s, 0.4 s, 0.8 s (each +-20 %)

    def test_a_zero_budget_tries_once(self):
        studies = FlakyStudies(unavailable=1)
        with vc.Client(self.serve(studies), retry_budget=0) as client:
            with self.assertRaises(grpc.RpcError) as e:
                client.study("s")
        self.assertEqual(e.exception.code(), grpc.StatusCode.UNAVAILABLE)
        self.assertEqual(studies.calls, 1)

    def test_a_call_waits_for_a_server_that_is_not_up_yet(self):
        port = free_port()
        with vc.Client("127.0.0.1:%d" % port) as client, futures.ThreadPoolExecutor(1) as pool:
            asked = pool.submit(client.study, "late")
            time.sleep(1.5)
            self.assertFalse(asked.done())
            self.serve(FlakyStudies(), port)
            self.assertEqual(asked.result(timeout=30).name, "studies/late")


if __name__ == "__main__":
    unittest.main()
