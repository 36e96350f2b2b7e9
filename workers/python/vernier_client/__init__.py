"""Python client for Vernier, the hyperparameter-tuning service.

    import vernier_client as vc

    client = vc.Client("127.0.0.1:7070")
    study = client.create_study("sk", {"objectives": [{"metric": "loss", "direction": "MINIMIZE"}],
                                       "parameters": [{"name": "lr", "floatDomain": {"min": 1e-4, "max": 1, "logScale": True}}]})
    for trial in study.trials(worker_id="w1"):
        with trial:
            lr = trial.params["lr"]
            for step in range(10):
                trial.report(step, loss=train(lr))
                if trial.should_stop:                # PRUNE or STOP
                    trial.prune()
                    break
            if trial.is_open:
                trial.succeed(loss=evaluate())

Calls that fail with UNAVAILABLE are retried for up to 60 s (`vc.Client(target, retry_budget=...)`).
"""
import os
import sys

# The gRPC stubs are generated at build time from api/proto (see workers/python/pom.xml) into
# _generated, whose modules import each other as the top-level package `vernier`.
_GENERATED = os.path.join(os.path.dirname(__file__), "_generated")
if _GENERATED not in sys.path:
    sys.path.insert(0, _GENERATED)

from .client import Client, LeaseLost, ServerUnavailable, Study, StudyDone, Trial, TrialPruned  # noqa: E402
from .client import credentials_from_environment, tls_credentials, token_from_environment  # noqa: E402

__all__ = ["Client", "Study", "Trial", "TrialPruned", "StudyDone", "LeaseLost", "ServerUnavailable",
           "tls_credentials", "credentials_from_environment", "token_from_environment"]
