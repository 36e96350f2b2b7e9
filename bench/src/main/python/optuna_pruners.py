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
        "hyperband-r3": lambda: optuna.pruners.HyperbandPruner(min_resource=3, max_resource=steps, reduction_factor=3),
        "hyperband-r5": lambda: optuna.pruners.HyperbandPruner(min_resource=5, max_resource=steps, reduction_factor=3),
        "threshold": lambda: optuna.pruners.ThresholdPruner(upper=2.0),
        "patient": lambda: optuna.pruners.PatientPruner(optuna.pruners.MedianPruner(n_startup_trials=5), patience=3),
    }


MASK = (1 << 64) - 1


def unit(state):
    """SplitMix64 (Steele, Lea and Flood 2014) of one state, as a double in [0, 1)."""
    z = (state + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    z ^= z >> 31
    return (z >> 11) * 2.0 ** -53


def configuration(seed, index):
    """The index-th (x0, x1) of a seed: the same numbers as PrunerBenchmark.configuration in Java."""
    return unit((seed << 32) + 2 * index), unit((seed << 32) + 2 * index + 1)


def run(name, problem, make_pruner, seed, trials, steps):
    # the Java side's study name: Hyperband hashes "{study}_{trial number}" into brackets on both sides
    study = optuna.create_study(study_name=name, sampler=optuna.samplers.RandomSampler(seed=seed),
                                pruner=make_pruner())
    for i in range(trials):  # the same configurations, in the same order, as the Java side
        x0, x1 = configuration(seed, i)
        study.enqueue_trial({"x0": x0, "x1": x1})
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
    parser.add_argument("--print-configurations", action="store_true",
                        help="print each seed's configurations as JSON lines instead (for the agreement test)")
    args = parser.parse_args()
    if args.print_configurations:
        for seed in range(args.seeds):
            print(json.dumps({"seed": seed, "configurations": [configuration(seed, i) for i in range(args.trials)]}))
        return
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    for name, problem in PROBLEMS.items():
        for pruner, make in pruners(args.steps).items():
            if args.pruners and pruner not in args.pruners.split(","):
                continue
            for seed in range(args.seeds):
                spent, best = run(f"{name}-{pruner}-{seed}", problem, make, seed, args.trials, args.steps)
                print(json.dumps({"impl": "optuna-3.1", "problem": name, "pruner": pruner, "seed": seed,
                                  "steps": spent, "best": best}), flush=True)


if __name__ == "__main__":
    main()
