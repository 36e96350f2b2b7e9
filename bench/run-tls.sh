#!/usr/bin/env bash
# TLS overhead: ask+tell pairs/s and p99 with and without TLS, in one run, on the embedded server
# (SQLite, every tell durable). Makes a throw-away CA and server certificate with openssl (EC P-256,
# what docs/security.md shows), then runs the load generator: the default sampler plaintext and
# TLS, then the random sampler (transport-bound) plaintext and TLS, --repeat rounds interleaved.
# Build first: mvn -B -q install -DskipTests (repository root).
# Usage: bench/run-tls.sh [--seconds 20] [--clients 32] [--repeat 2]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
seconds=20 clients=32 repeat=2
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    *) echo "run-tls.sh: unknown option $1 (expected --seconds, --clients, --repeat)" >&2; exit 2 ;;
  esac
done
certs="$(mktemp -d /tmp/vernier-tls.XXXXXX)"
trap 'rm -rf "$certs"' EXIT
ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
( cd "$certs"
  openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.pem -days 2 -subj /CN=bench-ca 2>/dev/null
  openssl req "${ec[@]}" -keyout server.key -out server.csr -subj /CN=bench 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > ext.cnf
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
    -extfile ext.cnf -out server.pem 2>/dev/null )
tls=(--tls-cert "$certs/server.pem" --tls-key "$certs/server.key" --tls-ca "$certs/ca.pem")
run() { echo "== $1"; shift; "$here/run-load.sh" --mode ask_tell --clients "$clients" --seconds "$seconds" "$@" | grep -E "/s, errors|latency|sampler|embedded" || true; }
run "default sampler, plaintext"
run "default sampler, TLS" "${tls[@]}"
for round in $(seq 1 "$repeat"); do
  run "random, plaintext (round $round)" --sampler random
  run "random, TLS (round $round)" --sampler random "${tls[@]}"
done
