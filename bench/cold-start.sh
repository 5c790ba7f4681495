#!/usr/bin/env bash
# Cold start of the bundled action validating the example, against `node -e 0`
# in the same run: median wall time of N repetitions each, and the ratio.
# Goal (issue 2): ≤ 150 ms and ≤ 3× node's own start.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-15}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/out"; : >"$tmp/summary"

median_ms() { # command… → median wall ms over $runs runs
  local times=()
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    times+=($(((end - start) / 1000)))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f", m/1000}'
}

action() {
  env GITHUB_OUTPUT="$tmp/out" GITHUB_STEP_SUMMARY="$tmp/summary" \
    INPUT_COMMAND=validate INPUT_SOURCE=examples/appspec-webapp node dist/index.js
}

baseline=$(median_ms node -e 0)
ours=$(median_ms action)
cli=$(median_ms node dist/cli.js validate --source examples/appspec-webapp)
echo "node -e 0:                  ${baseline} ms (median of $runs)"
echo "action validate (dist):     ${ours} ms"
echo "cli validate (dist):        ${cli} ms"
awk -v o="$ours" -v b="$baseline" 'BEGIN { printf "action/node ratio:          %.2fx (goal <= 3x, <= 150 ms)\n", o/b }'
echo "dist sizes: $(du -k dist/index.js | cut -f1) KiB index.js, $(du -k dist/cli.js | cut -f1) KiB cli.js"
