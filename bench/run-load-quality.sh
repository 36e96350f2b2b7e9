#!/usr/bin/env bash
# Is the default's speed bought by giving up the search? For each seed: the default sampler runs
# the load generator's ask+tell workload (32 clients, 20 s, from empty) on the shifted ellipsoid;
# then cmaes alone runs the same number of trials (--max-trials) with the same clients. Prints one
# row per seed and the paired comparison. Build first: mvn -B -q install -DskipTests.
# Usage: bench/run-load-quality.sh [seeds (default 5)] [seconds (default 20)]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
seeds="${1:-5}"
seconds="${2:-20}"
printf "%-5s %-8s %-14s %-14s\n" seed trials default cmaes
for seed in $(seq 1 "$seeds"); do
  out=$("$here/run-load.sh" --mode ask_tell --clients 32 --seconds "$seconds" --warmup 0 --seed "$seed")
  trials=$(sed -n 's/^quality: \([0-9]*\) trials told.*/\1/p' <<<"$out")
  default=$(sed -n 's/^quality: .*best loss \(.*\)$/\1/p' <<<"$out")
  out=$("$here/run-load.sh" --mode ask_tell --clients 32 --seconds 600 --warmup 0 --seed "$seed" \
    --sampler cmaes --max-trials "$trials")
  cmaes=$(sed -n 's/^quality: .*best loss \(.*\)$/\1/p' <<<"$out")
  printf "%-5s %-8s %-14s %-14s\n" "$seed" "$trials" "$default" "$cmaes"
done
