#!/usr/bin/env python3
"""Tune a scikit-learn SGD classifier on the digits data with the Vernier Python client.

Start a server (bin/vernier server), then:
    /usr/bin/python3 workers/python/examples/tune_sklearn.py --server 127.0.0.1:7070 --trials 30 --workers 2

Each trial trains epoch by epoch and reports the validation error, so the median pruner can stop
poor settings early.
"""
import argparse
import os
import sys
import threading
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import vernier_client as vc  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.linear_model import SGDClassifier  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

SPEC = {
    "objectives": [{"metric": "val_error", "direction": "MINIMIZE"}],
    "parameters": [
        {"name": "alpha", "float_domain": {"min": 1e-6, "max": 1e-1, "log_scale": True}},
        {"name": "eta0", "float_domain": {"min": 1e-4, "max": 1.0, "log_scale": True}},
        {"name": "loss", "categorical": {"choices": [{"string_value": "log_loss"}, {"string_value": "hinge"},
                                                     {"string_value": "modified_huber"}]}},
        {"name": "penalty", "categorical": {"choices": [{"string_value": "l2"}, {"string_value": "elasticnet"}]}},
        {"name": "l1_ratio", "float_domain": {"min": 0.0, "max": 1.0},
         "condition": {"parent": "penalty", "values": [{"string_value": "elasticnet"}]}},
    ],
    "pruner": {"name": "median", "settings": {"n_startup_trials": 4, "n_warmup_steps": 2}},
}


def train(trial, data, epochs):
    x_train, x_valid, y_train, y_valid = data
    p = trial.params
    model = SGDClassifier(loss=p["loss"], alpha=p["alpha"], penalty=p["penalty"],
                          l1_ratio=p.get("l1_ratio", 0.15), learning_rate="constant", eta0=p["eta0"],
                          random_state=trial.number)
    classes = sorted(set(y_train))
    error = 1.0
    for epoch in range(epochs):
        model.partial_fit(x_train, y_train, classes=classes)
        error = 1.0 - model.score(x_valid, y_valid)
        trial.report(epoch, val_error=error)
        if trial.should_stop:  # PRUNE or STOP
            trial.prune()
            return "PRUNED at epoch %d (val_error %.4f)" % (epoch, error)
    trial.succeed(val_error=error)
    return "SUCCEEDED val_error %.4f" % error


def work(study, worker_id, data, epochs):
    for trial in study.trials(worker_id=worker_id):
        with trial:
            outcome = train(trial, data, epochs)
        print("trial %d %s  %s" % (trial.number, outcome, trial.params), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", default="127.0.0.1:7070")
    parser.add_argument("--study", default="sklearn-sgd")
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=15)
    args = parser.parse_args()

    warnings.simplefilter("ignore")
    x, y = load_digits(return_X_y=True)
    data = train_test_split(x / 16.0, y, test_size=0.3, random_state=0)
    spec = dict(SPEC, limits={"max_trials": args.trials}, seed=0)
    with vc.Client(args.server) as client:
        study = client.create_study(args.study, spec)
        threads = [threading.Thread(target=work, args=(study, "py-%d" % i, data, args.epochs))
                   for i in range(args.workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        best = study.best_trials()[0]
        print("best trial %d: val_error %.4f with %s" % (
            best.number, best.values["val_error"],
            {k: vc.client._value(v) for k, v in best.params.items()}))


if __name__ == "__main__":
    main()
