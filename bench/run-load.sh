#!/usr/bin/env bash
# Runs the load generator. Build first: mvn -B -q install -DskipTests (repository root).
# Examples:
#   bench/run-load.sh --mode ask_tell --clients 32
#   bench/run-load.sh --mode report --clients 64 --steps 50
#   bench/run-load.sh --mode leases --leases 1000 --clients 8
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec java -Xmx2g ${BENCH_JAVA_OPTS:-} -Dvernier.log.level=warn \
  -cp "$here/target/classes:$(cat "$here/target/classpath.txt")" vernier.bench.LoadGenerator "$@"
