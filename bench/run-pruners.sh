#!/usr/bin/env bash
# Pruner benchmark: Vernier's pruners through the real API beside Optuna 3.1's (Debian python3-optuna)
# on the same synthetic learning curves. Build first: mvn -B -q install -DskipTests (repository root).
#   bench/run-pruners.sh --trials 100 --seeds 10 --steps 100
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/.."
exec java -Dvernier.log.level=warn \
  -cp "$here/target/classes:$(cat "$here/target/classpath.txt")" vernier.bench.PrunerBenchmark "$@"
