#!/usr/bin/env python3
"""Optuna 3.1 on the reference problems and their shifted variants, defined as in
bench/src/main/java/vernier/bench/Problems.java. It imports ../shared/bench/optuna_reference.py
(left unchanged), adds "{name}-shifted" problems to its table and runs its `quality` mode, so the
CLI and the JSON lines (with per-seed "bests") are the reference script's:

    /usr/bin/python3 bench/src/main/python/optuna_shifted.py quality --trials 100 --seeds 10 \\
        --samplers tpe,cmaes --problems ackley5,ackley5-shifted

`values` mode reads {"problem": ..., "params": {...}} lines on stdin and prints {"value": ...} lines;
ProblemsAgreementTest uses it to check that Java and Python give the same values.
"""
import argparse
import json
import sys
from pathlib import Path

# The repository root's sibling shared/bench, where the Java harness also looks for the reference.
sys.path.insert(0, str(Path(__file__).resolve().parents[4].parent / "shared" / "bench"))
import optuna_reference as ref  # noqa: E402

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


def value(problem, params):
    if problem == "mixed":
        return ref.mixed(params)
    return ref.PROBLEMS[problem][0](params)


def values():
    for line in sys.stdin:
        if line.strip():
            request = json.loads(line)
            print(json.dumps({"value": value(request["problem"], request["params"])}), flush=True)


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
        ref.quality(a.trials, a.seeds, a.samplers.split(","), a.problems.split(","))
    else:
        values()
