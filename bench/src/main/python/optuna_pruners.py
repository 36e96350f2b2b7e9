#!/usr/bin/env python3
"""Optuna 3.1's pruners on Vernier's synthetic learning-curve problems (same formulas as
bench/src/main/java/vernier/bench/PrunerBenchmark.java). One JSON line per (problem, pruner, seed).

    /usr/bin/python3 bench/src/main/python/optuna_pruners.py --trials 100 --seeds 10 --steps 100
"""
import argparse
import json
import math

import optuna


def parametric(x0, x1, step):
    final = (x0 - 0.3) ** 2 + (x1 - 0.7) ** 2 + 0.1
    rate = 0.03 + 0.12 * x1
    return final + (1.0 + x0) * math.exp(-rate * step) + noise(x0, x1, step)


def crossing(x0, x1, step):
    final = 0.1 + 0.5 * (x0 - 0.8) ** 2 + 0.1 * (x1 - 0.5) ** 2
    rate = 0.01 + 0.15 * (1 - x0)
    return final + 1.5 * math.exp(-rate * step) + noise(x0, x1, step)


def noise(x0, x1, step):
    return 0.01 * math.sin(1000 * x0 + 100 * x1 + 37 * step)


PROBLEMS = {"parametric": parametric, "crossing": crossing}


def pruners(steps):
    return {
        "none": lambda: optuna.pruners.NopPruner(),
        "median": lambda: optuna.pruners.MedianPruner(n_startup_trials=5),
        "percentile": lambda: optuna.pruners.PercentilePruner(25.0, n_startup_trials=5),
        "successive-halving": lambda: optuna.pruners.SuccessiveHalvingPruner(),
        "hyperband": lambda: optuna.pruners.HyperbandPruner(min_resource=1, max_resource=steps, reduction_factor=3),
        "successive-halving-r10": lambda: optuna.pruners.SuccessiveHalvingPruner(min_resource=10, reduction_factor=3),
        "hyperband-r10": lambda: optuna.pruners.HyperbandPruner(min_resource=10, max_resource=steps,
                                                                reduction_factor=3),
        "threshold": lambda: optuna.pruners.ThresholdPruner(upper=2.0),
        "patient": lambda: optuna.pruners.PatientPruner(optuna.pruners.MedianPruner(n_startup_trials=5), patience=3),
    }


def run(problem, make_pruner, seed, trials, steps):
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=seed), pruner=make_pruner())
    spent = 0
    best = math.inf
    for _ in range(trials):
        trial = study.ask()
        x0 = trial.suggest_float("x0", 0, 1)
        x1 = trial.suggest_float("x1", 0, 1)
        pruned = False
        for step in range(1, steps + 1):
            value = problem(x0, x1, step)
            spent += 1
            trial.report(value, step)
            if trial.should_prune():
                pruned = True
                break
        if pruned:
            study.tell(trial, state=optuna.trial.TrialState.PRUNED)
        else:
            study.tell(trial, value)
            best = min(best, value)
    return spent, best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--pruners", default="", help="only these configurations, comma-separated")
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    for name, problem in PROBLEMS.items():
        for pruner, make in pruners(args.steps).items():
            if args.pruners and pruner not in args.pruners.split(","):
                continue
            for seed in range(args.seeds):
                spent, best = run(problem, make, seed, args.trials, args.steps)
                print(json.dumps({"impl": "optuna-3.1", "problem": name, "pruner": pruner, "seed": seed,
                                  "steps": spent, "best": best}), flush=True)


if __name__ == "__main__":
    main()
