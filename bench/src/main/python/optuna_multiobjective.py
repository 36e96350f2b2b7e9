#!/usr/bin/env python3
"""Optuna 3.1 on ZDT1 (10 variables) and DTLZ2 (3 objectives, 7 variables), scored by the
hypervolume of the trials' objective values (same problems, reference points and hypervolume as
bench/src/main/java/vernier/bench/MultiObjectiveBenchmark.java). One JSON line per (problem, sampler).

    /usr/bin/python3 bench/src/main/python/optuna_multiobjective.py --trials 100 --seeds 10 --population 20
"""
import argparse
import json
import math
import statistics

import optuna


def zdt1(x):
    g = 1 + 9 * sum(x[1:]) / (len(x) - 1)
    return [x[0], g * (1 - math.sqrt(x[0] / g))]


def dtlz2(x, m=3):
    g = sum((v - 0.5) ** 2 for v in x[m - 1:])
    f = []
    for i in range(m):
        v = 1 + g
        for j in range(m - 1 - i):
            v *= math.cos(x[j] * math.pi / 2)
        if i > 0:
            v *= math.sin(x[m - 1 - i] * math.pi / 2)
        f.append(v)
    return f


PROBLEMS = {"zdt1": (zdt1, 10, [1.1, 11.0]), "dtlz2": (dtlz2, 7, [1.1, 1.1, 1.1])}


def hypervolume(points, ref):
    pts = [p for p in points if all(a < r for a, r in zip(p, ref))]
    if not pts:
        return 0.0
    if len(ref) == 2:
        pts.sort()
        hv, best_y = 0.0, ref[1]
        for x, y in pts:
            if y < best_y:
                hv += (ref[0] - x) * (best_y - y)
                best_y = y
        return hv
    pts.sort(key=lambda p: p[2])  # slice along the last objective
    hv = 0.0
    for i, p in enumerate(pts):
        upper = pts[i + 1][2] if i + 1 < len(pts) else ref[2]
        hv += hypervolume([q[:2] for q in pts[: i + 1]], ref[:2]) * (upper - p[2])
    return hv


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--population", type=int, default=20)
    parser.add_argument("--samplers", default="random,nsga2", help="random, nsga2, tpe (MOTPE)")
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    for name, (f, n, ref) in PROBLEMS.items():
        for sampler in args.samplers.split(","):
            hvs = []
            for seed in range(args.seeds):
                s = {"random": lambda: optuna.samplers.RandomSampler(seed=seed),
                     "nsga2": lambda: optuna.samplers.NSGAIISampler(population_size=args.population, seed=seed),
                     "tpe": lambda: optuna.samplers.TPESampler(seed=seed)}[sampler]()
                study = optuna.create_study(directions=["minimize"] * len(ref), sampler=s)
                study.optimize(lambda t: f([t.suggest_float("x%d" % i, 0, 1) for i in range(n)]), n_trials=args.trials)
                hvs.append(hypervolume([list(t.values) for t in study.trials], ref))
            print(json.dumps({"problem": name, "sampler": "optuna-" + sampler, "hypervolumes": hvs}), flush=True)


if __name__ == "__main__":
    main()
