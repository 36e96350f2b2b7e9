#!/bin/sh
# A training-like command for `vernier agent`: takes x and y, prints one metric line per step.
#   vernier agent --study quad -- sh examples/agent/quadratic.sh {x} {y}
x="$1"; y="$2"; steps="${STEPS:-10}"; delay="${STEP_DELAY:-0.05}"
s=0
while [ "$s" -lt "$steps" ]; do
  # the loss decays toward (x-1)^2 + (y+2)^2; both printed forms are understood
  loss=$(awk -v x="$x" -v y="$y" -v s="$s" 'BEGIN { printf "%.6f", (x-1)^2 + (y+2)^2 + 5/(s+1) }')
  if [ $((s % 2)) -eq 0 ]; then
    echo "{\"step\": $s, \"loss\": $loss}"
  else
    echo "step=$s loss=$loss"
  fi
  s=$((s + 1))
  sleep "$delay"
done
echo "done: params were $(cat "$VERNIER_PARAMS_FILE" | tr -d '\n ')" >&2
touch "$VERNIER_TRIAL_DIR/finished"
