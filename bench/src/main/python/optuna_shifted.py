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


# Three conditional HPO-shaped problems, as ConditionalProblems.java: name -> (objective, define-by-run suggest)
def _cond_optimizer(p):
    opt = p["optimizer"]
    base = {"adam": 0.0, "sgd": 0.05, "rmsprop": 0.1}[opt]
    best_lr = {"adam": 1e-3, "sgd": 3e-2, "rmsprop": 3e-4}[opt]
    if opt == "sgd":
        knob = 4 * (p["momentum"] - 0.9) ** 2
    elif opt == "adam":
        knob = 8 * (p["beta1"] - 0.9) ** 2
    else:
        knob = 8 * (p["rho"] - 0.95) ** 2
    return (base + 0.5 * (math.log10(p["lr"]) - math.log10(best_lr)) ** 2
            + 0.1 * (math.log10(p["weight_decay"]) + 4) ** 2 + knob)


def _suggest_cond_optimizer(t):
    p = {"optimizer": t.suggest_categorical("optimizer", ["adam", "sgd", "rmsprop"]),
         "lr": t.suggest_float("lr", 1e-5, 1.0, log=True),
         "weight_decay": t.suggest_float("weight_decay", 1e-6, 1e-1, log=True)}
    if p["optimizer"] == "sgd":
        p["momentum"] = t.suggest_float("momentum", 0.0, 0.99)
    elif p["optimizer"] == "adam":
        p["beta1"] = t.suggest_float("beta1", 0.5, 0.999)
    else:
        p["rho"] = t.suggest_float("rho", 0.5, 0.999)
    return p


def _cond_arch(p):
    model = p["model"]
    base = {"mlp": 0.3, "cnn": 0.1, "transformer": 0.0}[model]
    best_lr = {"mlp": 1e-2, "cnn": 3e-3, "transformer": 5e-4}[model]
    best_dropout = {"mlp": 0.2, "cnn": 0.1, "transformer": 0.1}[model]
    if model == "mlp":
        shape = 0.05 * (p["layers"] - 3) ** 2 + 0.1 * (math.log(p["width"]) / math.log(2) - 8) ** 2
    elif model == "cnn":
        shape = 0.05 * (p["kernel"] - 3) ** 2 + 0.1 * (math.log(p["channels"]) / math.log(2) - 6) ** 2
    else:
        shape = 0.02 * (p["depth"] - 6) ** 2 + 0.02 * (p["heads"] - 8) ** 2 + 10 * (p["warmup"] - 0.1) ** 2
    return (base + 0.3 * (math.log10(p["lr"]) - math.log10(best_lr)) ** 2
            + 3 * (p["dropout"] - best_dropout) ** 2 + shape)


def _suggest_cond_arch(t):
    p = {"model": t.suggest_categorical("model", ["mlp", "cnn", "transformer"]),
         "lr": t.suggest_float("lr", 1e-5, 1.0, log=True), "dropout": t.suggest_float("dropout", 0.0, 0.5)}
    if p["model"] == "mlp":
        p["layers"] = t.suggest_int("layers", 1, 8)
        p["width"] = t.suggest_int("width", 16, 1024, log=True)
    elif p["model"] == "cnn":
        p["kernel"] = t.suggest_int("kernel", 1, 7)
        p["channels"] = t.suggest_int("channels", 8, 512, log=True)
    else:
        p["depth"] = t.suggest_int("depth", 1, 12)
        p["heads"] = t.suggest_int("heads", 1, 16)
        p["warmup"] = t.suggest_float("warmup", 0.0, 0.3)
    return p


def _cond_schedule(p):
    schedule = p["schedule"]
    base = {"constant": 0.25, "cosine": 0.0, "step": 0.05}[schedule]
    factor = {"constant": 0.3, "cosine": 1.0, "step": 0.5}[schedule]
    batch = p["batch"]
    best_lr = 0.1 * math.sqrt(batch / 256) * factor
    if schedule == "cosine":
        own = 10 * (p["warmup"] - 0.05) ** 2 + 0.1 * (math.log10(p["min_ratio"]) + 2) ** 2
    elif schedule == "step":
        own = 0.002 * (p["step_every"] - 30) ** 2 + 4 * (p["gamma"] - 0.3) ** 2
    else:
        own = 0
    return (base + 0.5 * (math.log10(p["lr"]) - math.log10(best_lr)) ** 2
            + 0.05 * (math.log(batch) / math.log(2) - 8) ** 2 + own)


def _suggest_cond_schedule(t):
    p = {"schedule": t.suggest_categorical("schedule", ["constant", "cosine", "step"]),
         "lr": t.suggest_float("lr", 1e-4, 1.0, log=True), "batch": t.suggest_int("batch", 16, 1024, log=True)}
    if p["schedule"] == "cosine":
        p["warmup"] = t.suggest_float("warmup", 0.0, 0.3)
        p["min_ratio"] = t.suggest_float("min_ratio", 1e-4, 1.0, log=True)
    elif p["schedule"] == "step":
        p["step_every"] = t.suggest_int("step_every", 1, 50)
        p["gamma"] = t.suggest_float("gamma", 0.1, 0.9)
    return p


CONDITIONAL = {
    "cond-optimizer": (_cond_optimizer, _suggest_cond_optimizer),
    "cond-arch": (_cond_arch, _suggest_cond_arch),
    "cond-schedule": (_cond_schedule, _suggest_cond_schedule),
}


def objective(name):
    """The Optuna objective of any unconstrained problem here (reference, shifted or conditional)."""
    if name in CONDITIONAL:
        f, sug = CONDITIONAL[name]
        return lambda t: f(sug(t))
    return ref.objective_for(name)[0]


def conditional_quality(trials, seeds, samplers, problems):
    """The reference script's quality mode for the conditional problems (define-by-run spaces)."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    for name in problems:
        for kind in samplers:
            if kind in ("cmaes", "qmc"):
                continue  # Optuna 3.1 samples conditional parameters independently with these
            bests = []
            t0 = time.perf_counter()
            for seed in range(seeds):
                st = optuna.create_study(sampler=ref.make_sampler(kind, seed))
                st.optimize(objective(name), n_trials=trials)
                bests.append(st.best_value)
            print(json.dumps({"problem": name, "sampler": "optuna-" + kind, "trials": trials, "seeds": seeds,
                              "median_best": statistics.median(bests), "bests": bests,
                              "seconds": round(time.perf_counter() - t0, 2)}), flush=True)


def parallel_quality(trials, seeds, n_jobs, problems):
    """Optuna's TPE with constant_liar=True, n_jobs threads on one in-memory study per seed."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    for name in problems:
        obj = objective(name)
        bests = []
        t0 = time.perf_counter()
        for seed in range(seeds):
            st = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed, constant_liar=True))
            st.optimize(obj, n_trials=trials, n_jobs=n_jobs)
            bests.append(st.best_value)
        print(json.dumps({"problem": name, "sampler": "optuna-tpe-cl", "trials": trials, "seeds": seeds,
                          "n_jobs": n_jobs, "median_best": statistics.median(bests), "bests": bests,
                          "seconds": round(time.perf_counter() - t0, 2)}), flush=True)


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
    if problem in CONDITIONAL:
        return CONDITIONAL[problem][0](params)
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
    ap.add_argument("mode", choices=["quality", "parallel", "values"])
    ap.add_argument("--n-jobs", type=int, default=1, help="parallel mode: threads on one study")
    ap.add_argument("--trials", type=int, default=100)
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--samplers", default="random,tpe,tpe-mv,cmaes,qmc")
    ap.add_argument("--problems", default=",".join(["branin", "hartmann6", "rosenbrock5", "ackley5", "styblinski5",
                                                    "mixed"] + [n + "-shifted" for n in SHIFTS]))
    a = ap.parse_args()
    if a.mode == "parallel":
        parallel_quality(a.trials, a.seeds, a.n_jobs, a.problems.split(","))
    elif a.mode == "quality":
        names = a.problems.split(",")
        plain = [n for n in names if n not in CONSTRAINED and n not in CONDITIONAL]
        if plain:
            ref.quality(a.trials, a.seeds, a.samplers.split(","), plain)
        conditional = [n for n in names if n in CONDITIONAL]
        if conditional:
            conditional_quality(a.trials, a.seeds, a.samplers.split(","), conditional)
        constrained = [n for n in names if n in CONSTRAINED]
        if constrained:
            optuna.logging.set_verbosity(optuna.logging.WARNING)
            constrained_quality(a.trials, a.seeds, a.samplers.split(","), constrained)
    else:
        values()
