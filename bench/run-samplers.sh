#!/usr/bin/env bash
# Sample efficiency beside Optuna 3.1 (Debian python3-optuna) on the reference problems and their
# shifted variants (Optuna via bench/src/main/python/optuna_shifted.py, which imports
# ../shared/bench/optuna_reference.py), then paired Wilcoxon signed-rank tests over seeds.
# Build first: mvn -B -q install -DskipTests (repository root). From the repository root:
#   bench/run-samplers.sh --trials 100 --seeds 10
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/.."
exec java -Dvernier.log.level=warn \
  -cp "$here/target/classes:$(cat "$here/target/classpath.txt")" vernier.bench.SamplerBenchmark "$@"
