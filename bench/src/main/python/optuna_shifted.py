#!/usr/bin/env python3
"""Optuna 3.1 on the reference problems and their shifted variants, defined as in
bench/src/main/java/vernier/bench/Problems.java. It imports ../shared/bench/optuna_reference.py
(left unchanged), adds "{name}-shifted" problems to its table and runs its `quality` mode, so the
CLI and the JSON lines (with per-seed "bests") are the reference script's:

    /usr/bin/python3 bench/src/main/python/optuna_shifted.py quality --trials 100 --seeds 10 \\
        --samplers tpe,cmaes --problems ackley5,ackley5-shifted

The constrained problems (gardner, gramacy, branin-disk, hartmann6-l1, mixed-memory; see
CONSTRAINED) run here with Optuna's `constraints_func` (TPE and NSGA-II; random ignores it); a
run's best is its best feasible value, infinity when it found none.

`values` mode reads {"problem": ..., "params": {...}} lines on stdin and prints {"value": ...,
"constraints": [...]} lines (constraint values, each feasible when <= its bound); ProblemsAgreementTest
uses it to check that Java and Python give the same values.
"""
import argparse
import json
import math
import statistics
import sys
import time
from pathlib import Path

# The repository root's sibling shared/bench, where the Java harness also looks for the reference.
sys.path.insert(0, str(Path(__file__).resolve().parents[4].parent / "shared" / "bench"))
import optuna_reference as ref  # noqa: E402
import optuna  # noqa: E402

# f_shifted(x) = f(x - s) on the same box: the optimum value stays, its location moves by s, away from
# the box centre and the all-coordinates-equal diagonal. The same numbers as Problems.SHIFTS in Java.
SHIFTS = {
    "rosenbrock5": [4.83, -2.47, 3.29, -3.61, 6.71],
    "ackley5": [11.7, -19.3, 6.1, -4.9, 23.5],
    "styblinski5": [1.37, -0.83, 2.03, -1.21, 0.49],
}


def shifted(f, s):
    def g(p):
        q = dict(p)
        for i, si in enumerate(s):
            q[f"x{i}"] = p[f"x{i}"] - si
        return f(q)
    return g


for _name, _s in SHIFTS.items():
    _f, _space, _opt = ref.PROBLEMS[_name]
    ref.PROBLEMS[_name + "-shifted"] = (shifted(_f, _s), _space, _opt)


def _gardner(p):
    return math.cos(2 * p["x0"]) * math.cos(p["x1"]) + math.sin(p["x0"])


def _gramacy_c0(p):
    x, y = p["x0"], p["x1"]
    return 1.5 - x - 2 * y - 0.5 * math.sin(2 * math.pi * (x * x - 2 * y))


# name -> (objective, space or None for mixed's, [(constraint, upper bound)]); as Problems.java
CONSTRAINED = {
    "gardner": (_gardner, {"x0": (0.0, 6.0), "x1": (0.0, 6.0)},
                [(lambda p: math.cos(p["x0"]) * math.cos(p["x1"]) - math.sin(p["x0"]) * math.sin(p["x1"]), 0.5)]),
    "gramacy": (lambda p: p["x0"] + p["x1"], {"x0": (0.0, 1.0), "x1": (0.0, 1.0)},
                [(_gramacy_c0, 0.0), (lambda p: p["x0"] ** 2 + p["x1"] ** 2 - 1.5, 0.0)]),
    "branin-disk": (ref.branin, ref.PROBLEMS["branin"][1], [(lambda p: (p["x0"] - 2.5) ** 2 + (p["x1"] - 7.5) ** 2, 50.0)]),
    "hartmann6-l1": (ref.hartmann6, ref.PROBLEMS["hartmann6"][1], [(lambda p: sum(p[f"x{i}"] for i in range(6)), 2.0)]),
    "mixed-memory": (ref.mixed, None, [(lambda p: p["layers"] * (1.5 if p["optimizer"] == "adam" else 1.0), 4.5)]),
}


def suggest(trial, space):
    if space is None:  # mixed's space
        return {"lr": trial.suggest_float("lr", 1e-5, 1.0, log=True), "layers": trial.suggest_int("layers", 1, 8),
                "optimizer": trial.suggest_categorical("optimizer", ["adam", "sgd", "adagrad"]),
                "dropout": trial.suggest_float("dropout", 0.0, 0.9)}
    return {k: trial.suggest_float(k, lo, hi) for k, (lo, hi) in space.items()}


def constrained_sampler(kind, seed):
    def violations(trial):
        return trial.user_attrs["violations"]
    if kind == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if kind in ("tpe", "tpe-mv"):
        return optuna.samplers.TPESampler(seed=seed, multivariate=kind == "tpe-mv", constraints_func=violations)
    if kind == "nsga2":
        return optuna.samplers.NSGAIISampler(seed=seed, constraints_func=violations)
    return None  # Optuna 3.1's CMA-ES and QMC take no constraints


def constrained_quality(trials, seeds, samplers, problems):
    for name in problems:
        f, space, constraints = CONSTRAINED[name]
        for kind in samplers:
            if constrained_sampler(kind, 0) is None:
                print(f"skipping optuna-{kind} on {name}: it takes no constraints in Optuna 3.1", file=sys.stderr)
                continue
            bests = []
            t0 = time.perf_counter()
            for seed in range(seeds):
                best = math.inf

                def objective(trial):
                    nonlocal best
                    p = suggest(trial, space)
                    v = f(p)
                    excess = [c(p) - upper for c, upper in constraints]
                    trial.set_user_attr("violations", excess)
                    if all(e <= 0 for e in excess):
                        best = min(best, v)
                    return v

                optuna.create_study(sampler=constrained_sampler(kind, seed)).optimize(objective, n_trials=trials)
                bests.append(best)
            print(json.dumps({"problem": name, "sampler": "optuna-" + kind, "trials": trials, "seeds": seeds,
                              "median_best": statistics.median(bests), "bests": bests,
                              "seconds": round(time.perf_counter() - t0, 2)}), flush=True)


def value(problem, params):
    if problem in CONSTRAINED:
        return CONSTRAINED[problem][0](params)
    if problem == "mixed":
        return ref.mixed(params)
    return ref.PROBLEMS[problem][0](params)


def constraint_values(problem, params):
    return [c(params) for c, _ in CONSTRAINED[problem][2]] if problem in CONSTRAINED else []


def values():
    for line in sys.stdin:
        if line.strip():
            request = json.loads(line)
            print(json.dumps({"value": value(request["problem"], request["params"]),
                              "constraints": constraint_values(request["problem"], request["params"])}), flush=True)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["quality", "values"])
    ap.add_argument("--trials", type=int, default=100)
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--samplers", default="random,tpe,tpe-mv,cmaes,qmc")
    ap.add_argument("--problems", default=",".join(["branin", "hartmann6", "rosenbrock5", "ackley5", "styblinski5",
                                                    "mixed"] + [n + "-shifted" for n in SHIFTS]))
    a = ap.parse_args()
    if a.mode == "quality":
        names = a.problems.split(",")
        plain = [n for n in names if n not in CONSTRAINED]
        if plain:
            ref.quality(a.trials, a.seeds, a.samplers.split(","), plain)
        constrained = [n for n in names if n in CONSTRAINED]
        if constrained:
            optuna.logging.set_verbosity(optuna.logging.WARNING)
            constrained_quality(a.trials, a.seeds, a.samplers.split(","), constrained)
    else:
        values()
