#!/usr/bin/env bash
# Vernier's PostgreSQL store beside Optuna 3.1's RDB storage on the same PostgreSQL, in one command.
# Starts a throw-away PostgreSQL (Debian's postgresql package, default settings: fsync and
# synchronous_commit on) in a temporary directory on a free port, then runs one after the other:
#   1. Vernier, default sampler, on PostgreSQL   (load generator, embedded server, ask+tell)
#   2. Vernier, random sampler, on PostgreSQL
#   3. Vernier, random sampler, on SQLite        (the embedded default, for comparison)
#   4. Optuna RDBStorage on PostgreSQL, random sampler, N processes (bench/src/main/python/optuna_rdb.py)
# Build first: mvn -B -q install -DskipTests (repository root); needs python3-optuna and
# python3-psycopg2. Usage: bench/run-postgres.sh [--seconds 20] [--clients 32] [--processes 8]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
seconds=20 clients=32 processes=8
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --processes) processes="$2"; shift 2 ;;
    *) echo "run-postgres.sh: unknown option $1 (expected --seconds, --clients, --processes)" >&2; exit 2 ;;
  esac
done

source "$here/lib/throwaway-postgres.sh"
for db in vernier_default vernier_random optuna; do pg_createdb "$db"; done
port="$pg_port"

load=("$here/run-load.sh" --mode ask_tell --clients "$clients" --seconds "$seconds" --warmup 0 --seed 1)
echo "== 1. Vernier, default sampler, PostgreSQL"
"${load[@]}" --db "postgresql://vernier@127.0.0.1:$port/vernier_default"
echo "== 2. Vernier, random sampler, PostgreSQL"
"${load[@]}" --sampler random --db "postgresql://vernier@127.0.0.1:$port/vernier_random"
echo "== 3. Vernier, random sampler, SQLite"
"${load[@]}" --sampler random
echo "== 4. Optuna $(/usr/bin/python3 -c 'import optuna; print(optuna.__version__)') RDBStorage, random sampler, $processes processes, PostgreSQL"
/usr/bin/python3 "$here/src/main/python/optuna_rdb.py" --processes "$processes" --seconds "$seconds" \
  --url "postgresql+psycopg2://vernier@127.0.0.1:$port/optuna"
