"""Optuna 3.1's RDB storage on PostgreSQL: the anchor for Vernier's PostgreSQL store.

N worker processes share one study through optuna.storages.RDBStorage (SQLAlchemy + psycopg2), each
running ask/tell with the random sampler on a 5-D sphere for a fixed time, as Optuna's documented
multi-process setup does. Prints one JSON line: trials per second over all processes.

usage: /usr/bin/python3 optuna_rdb.py --url postgresql+psycopg2://user@host:port/db [--processes 8]
       [--seconds 20]   (the password comes from PGPASSWORD, as libpq reads it)
"""
import argparse
import json
import multiprocessing
import time
import warnings

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)
warnings.filterwarnings("ignore")

DIMS = 5
DIST = {f"x{i}": optuna.distributions.FloatDistribution(0.0, 1.0) for i in range(DIMS)}


def worker(url, study_name, seconds, seed, start_at, out):
    storage = optuna.storages.RDBStorage(url)
    study = optuna.load_study(
        study_name=study_name, storage=storage, sampler=optuna.samplers.RandomSampler(seed=seed)
    )
    while time.time() < start_at:
        time.sleep(0.01)
    done, latencies = 0, []
    end = start_at + seconds
    while time.time() < end:
        a = time.perf_counter()
        t = study.ask(DIST)
        study.tell(t, sum(v * v for v in t.params.values()))
        latencies.append(time.perf_counter() - a)
        done += 1
    out.put((done, latencies))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--processes", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=20)
    a = ap.parse_args()
    name = f"rdb-{int(time.time())}"
    optuna.create_study(study_name=name, storage=optuna.storages.RDBStorage(a.url))
    out = multiprocessing.Queue()
    start_at = time.time() + 3  # after every process has connected
    procs = [
        multiprocessing.Process(target=worker, args=(a.url, name, a.seconds, i, start_at, out))
        for i in range(a.processes)
    ]
    for p in procs:
        p.start()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    total = sum(r[0] for r in results)
    lat = sorted(x for r in results for x in r[1])
    p99 = lat[int(0.99 * (len(lat) - 1))] * 1000 if lat else float("nan")
    print(json.dumps({
        "storage": "optuna-rdb-postgresql", "sampler": "random", "processes": a.processes,
        "seconds": a.seconds, "trials": total, "trials_per_s": round(total / a.seconds, 1),
        "ask_tell_p99_ms": round(p99, 1)}), flush=True)


if __name__ == "__main__":
    main()
