#!/usr/bin/env bash
# Multi-objective hypervolume beside Optuna 3.1. Build first: mvn -B -q install -DskipTests (repository root).
#   bench/run-multiobjective.sh --trials 100 --seeds 10 --population 20
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/.."
exec java -Dvernier.log.level=warn \
  -cp "$here/target/classes:$(cat "$here/target/classpath.txt")" vernier.bench.MultiObjectiveBenchmark "$@"
