#!/usr/bin/env bash
# Pruners on the DJL reference worker's built-in text task: for each pruner and seed, a real sweep
# (bin/vernier demo: embedded server, 4 in-process DJL workers, random sampler so every pruner sees the
# same configurations per seed, and the DJL trainer seeds each trial from its number, so a configuration
# trains the same way in every sweep), then the training steps run and the best val_loss, beside no
# pruning.
# Build first: mvn -B -q install -DskipTests (repository root). From the repository root:
#   bench/run-djl-pruners.sh [trials] [seeds] [pruners...]
# FIRST_SEED=10 starts the seeds at 10 (to extend an earlier run with new seeds).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/.."
trials="${1:-40}"
seeds="${2:-3}"
first="${FIRST_SEED:-0}"
shift 2 || true
pruners=("$@")
[ ${#pruners[@]} -gt 0 ] || pruners=(none median percentile successive-halving hyperband patient)
declare -A steps best
for p in "${pruners[@]}"; do
  for ((s = first; s < first + seeds; s++)); do
    # The same study id per seed for every pruner: Hyperband hashes each trial into the same bracket.
    out="$(bin/vernier demo --workload djl-text --sampler random --pruner "$p" --seed "$s" --trials "$trials" \
      --study "djl-pruners-seed$s")"
    steps[$p,$s]="$(sed -n 's/.*; \([0-9]*\) of [0-9]* steps run.*/\1/p' <<<"$out")"
    best[$p,$s]="$(sed -n 's/^Best trial [0-9]*: val_loss \([0-9.]*\).*/\1/p' <<<"$out")"
    echo "$p seed $s: ${steps[$p,$s]} steps, best val_loss ${best[$p,$s]}" >&2
  done
done
echo "| pruner | steps run (mean over seeds) | vs none | best val_loss (mean) | vs none |"
echo "|---|---|---|---|---|"
for p in "${pruners[@]}"; do
  awk -v p="$p" -v n="$seeds" -v s="$(for ((s = first; s < first + seeds; s++)); do echo -n "${steps[$p,$s]} "; done)" \
      -v b="$(for ((s = first; s < first + seeds; s++)); do echo -n "${best[$p,$s]} "; done)" \
      -v s0="$(for ((s = first; s < first + seeds; s++)); do echo -n "${steps[${pruners[0]},$s]} "; done)" \
      -v b0="$(for ((s = first; s < first + seeds; s++)); do echo -n "${best[${pruners[0]},$s]} "; done)" '
    BEGIN { split(s, a); split(b, c); split(s0, a0); split(b0, c0)
      for (i = 1; i <= n; i++) { st += a[i]; bv += c[i]; st0 += a0[i]; bv0 += c0[i] }
      printf "| %s | %.0f | %.2f | %.4f | %+.1f %% |\n", p, st / n, st / st0, bv / n, 100 * (bv - bv0) / bv0 }'
done
