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

bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[[ -x "$bin/initdb" ]] || { echo "run-postgres.sh: PostgreSQL is not installed: apt-get install postgresql" >&2; exit 1; }
as_pg=()
[[ "$(id -u)" == 0 ]] && as_pg=(runuser -u postgres --)

dir="$(mktemp -d /tmp/vernier-bench-pg.XXXXXX)"
port="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
export PGPASSWORD="bench-$(date +%s%N)"
printf '%s\n' "$PGPASSWORD" > "$dir/pw"
[[ "$(id -u)" == 0 ]] && chown -R postgres "$dir"
cleanup() {
  "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
"${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U vernier --pwfile="$dir/pw" --auth-local=trust \
  --auth-host=scram-sha-256 -E UTF8 >/dev/null
"${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c max_connections=200" start >/dev/null
for db in vernier_default vernier_random optuna; do
  "${as_pg[@]}" "$bin/createdb" -h "$dir" -p "$port" -U vernier "$db"
done
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') at 127.0.0.1:$port (fsync=$("${as_pg[@]}" "$bin/psql" -h "$dir" -p "$port" -U vernier -Atc 'show fsync' postgres), synchronous_commit=$("${as_pg[@]}" "$bin/psql" -h "$dir" -p "$port" -U vernier -Atc 'show synchronous_commit' postgres))"

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
