#!/usr/bin/env bash
# Replicas on one PostgreSQL: throughput with 1 and 3 replicas, then failover time, in one command.
# Starts a throw-away PostgreSQL (bench/lib/throwaway-postgres.sh), then runs one after the other
# (random sampler, ask+tell, --clients clients, --seconds s each, every tell durable; the four
# throughput cases interleaved, --repeat rounds, each after 5 s of warm-up):
#   1. one replica, one study                  2. one replica, three studies
#   3. three replicas, one study, clients spread over all three (most calls forwarded once)
#   4. three replicas, three studies, each created through (so owned by) a different replica
#   5. failover: kill -9 of a study's owner under 8 workers, --runs times (FailoverBenchmark)
# Build first: mvn -B -q install -DskipTests (repository root).
# Usage: bench/run-replicas.sh [--seconds 20] [--clients 32] [--runs 5] [--repeat 2]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
seconds=20 clients=32 runs=5 repeat=2
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    *) echo "run-replicas.sh: unknown option $1 (expected --seconds, --clients, --runs, --repeat)" >&2; exit 2 ;;
  esac
done
source "$here/lib/throwaway-postgres.sh"
cp="$here/target/classes:$(cat "$here/target/classpath.txt")"
logs="$(mktemp -d /tmp/vernier-replicas.XXXXXX)"
pids=()
stop_replicas() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; pids=(); }
trap 'stop_replicas; pg_cleanup' EXIT

# starts a replica on a free port of the given database; sets $port_out
start_replica() {
  local db="$1" port
  port="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  java -Dvernier.log.level=warn -cp "$cp" vernier.cli.Main server --port "$port" --http-port -1 \
    --db "postgresql://vernier@127.0.0.1:$pg_port/$db" >>"$logs/replica-$port.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 600); do
    (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { port_out="$port"; return; }
    sleep 0.1
  done
  echo "replica on $port did not start; see $logs" >&2; exit 1
}
load() { "$here/run-load.sh" --mode ask_tell --clients "$clients" --seconds "$seconds" --warmup 5 --seed 1 --sampler random "$@"; }

# all four replicas run throughout (an idle replica costs almost nothing), and the four cases are
# interleaved --repeat times: this host's speed drifts, so compare the ratios of one round
pg_createdb one; start_replica one; one="127.0.0.1:$port_out"
pg_createdb three; start_replica three; a="127.0.0.1:$port_out"
start_replica three; b="127.0.0.1:$port_out"; start_replica three; c="127.0.0.1:$port_out"
# round 0 warms the four JVMs up (JIT on two cores takes a while with four of them); not measured
for round in $(seq 0 "$repeat"); do
  [[ "$round" == 0 ]] && echo "== round 0: warm-up, not measured; its figures are not comparable"
  echo "== round $round. 1: one replica, one study";  load --target "$one"
  echo "== round $round. 3: three replicas, one study, clients spread"; load --target "$a,$b,$c"
  echo "== round $round. 2: one replica, three studies"; load --target "$one" --studies 3
  echo "== round $round. 4: three replicas, three studies, one owner each"; load --target "$a,$b,$c" --studies 3
done
stop_replicas
pg_createdb failover
echo "== 5. failover, $runs runs"
java -Dvernier.log.level=warn -cp "$cp" vernier.bench.FailoverBenchmark --runs "$runs" \
  --db "postgresql://vernier@127.0.0.1:$pg_port/failover" --logs "$logs"
