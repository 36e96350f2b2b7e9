#!/usr/bin/env bash
# Population-based training against random search with the same training steps, on the DJL
# reference worker's built-in text task. Per seed: a pbt study as examples/djl-pbt.yaml (population P,
# segments of 25 steps up to 150, exploring lr, dropout and weight decay) and a random-search study of
# P trials of 150 steps over the same space, so both train P x 150 steps. Each is served by a real
# server process and trained by one `vernier djl-worker` process with 4 trials at once. Reported: the
# best val_loss told at step 150 (PBT: by its last segments), per seed and on average.
# Build first: mvn -B -q install -DskipTests (repository root). From the repository root:
#   bench/run-djl-pbt.sh [seeds] [population]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/.."
seeds="${1:-5}"
population="${2:-8}"
work="$(mktemp -d)"
port=$((20000 + RANDOM % 20000))
server="127.0.0.1:$port"
bin/vernier server --db "$work/vernier.db" --port "$port" --http-port -1 >"$work/server.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
bin/vernier study list -s "$server" --timeout 60 >/dev/null

# The study file for one strategy and seed: examples/djl-pbt.yaml, with the seed, and for random
# search the random sampler and P trials instead of pbt.
study_file() {
  /usr/bin/python3 - "$1" "$2" "$population" <<'EOF'
import sys, yaml
strategy, seed, population = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
spec = yaml.safe_load(open("examples/djl-pbt.yaml"))["spec"]
spec["seed"] = seed
if strategy == "pbt":
    spec["sampler"]["settings"]["population_size"] = population
    spec["limits"]["max_parallel"] = population
else:
    spec["sampler"] = {"name": "random"}
    spec["limits"]["max_trials"] = population
print(yaml.safe_dump({"spec": spec}))
EOF
}

# The best val_loss told by a trial that trained to step 150 (for PBT: a last segment).
best_at_end() {
  bin/vernier study trials "$1" -s "$server" --json --state SUCCEEDED | /usr/bin/python3 -c '
import json, sys
trials = json.load(sys.stdin)
trials = trials.get("trials", trials) if isinstance(trials, dict) else trials
ends = [t["values"]["val_loss"] for t in trials
        if int(t.get("maxStep", 0)) in (0, 150) and int(t.get("lastStep", -1)) == 150]
print("%.4f" % min(ends) if ends else "nan")'
}

declare -A best
for ((s = 0; s < seeds; s++)); do
  for strategy in pbt random; do
    id="$strategy-$s"
    study_file "$strategy" "$s" >"$work/$id.yaml"
    bin/vernier study create -f "$work/$id.yaml" --id "$id" -s "$server" >/dev/null
    bin/vernier djl-worker --study "$id" -s "$server" --task text --max-steps 150 --eval-every 25 \
      --checkpoints "$work/checkpoints-$id" --parallel 4 >"$work/$id.log" 2>&1
    best[$strategy,$s]="$(best_at_end "$id")"
    echo "$strategy seed $s: best val_loss at step 150 ${best[$strategy,$s]}" >&2
  done
done
echo "| seed | pbt | random search, same steps |"
echo "|---|---|---|"
for ((s = 0; s < seeds; s++)); do
  echo "| $s | ${best[pbt,$s]} | ${best[random,$s]} |"
done
/usr/bin/python3 - "$(for ((s = 0; s < seeds; s++)); do echo -n "${best[pbt,$s]} "; done)" \
    "$(for ((s = 0; s < seeds; s++)); do echo -n "${best[random,$s]} "; done)" <<'EOF'
import statistics, sys
pbt, rnd = ([float(v) for v in arg.split()] for arg in sys.argv[1:3])
print("| mean | %.4f | %.4f |" % (statistics.mean(pbt), statistics.mean(rnd)))
wins = sum(a < b for a, b in zip(pbt, rnd))
diff = statistics.median(a - b for a, b in zip(pbt, rnd))
try:
    from scipy.stats import wilcoxon  # Debian's python3-scipy, which python3-optuna brings
    p = "%.3g" % wilcoxon(pbt, rnd).pvalue
except ImportError:
    p = "n/a (no scipy)"
print("\nPBT better in %d of %d seeds; median paired difference %+.4f; Wilcoxon signed-rank p = %s."
      % (wins, len(pbt), diff, p))
EOF
