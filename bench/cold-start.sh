#!/usr/bin/env bash
# Cold start of the bundled action validating the example, against `node -e 0`
# in the same run: median wall time of N repetitions each, and the ratio.
# Goal (issue 2): ≤ 150 ms and ≤ 3× node's own start.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
runs=${RUNS:-15}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/out"; : >"$tmp/summary"

action() {
  env GITHUB_OUTPUT="$tmp/out" GITHUB_STEP_SUMMARY="$tmp/summary" \
    INPUT_COMMAND=validate INPUT_SOURCE=examples/appspec-webapp node dist/index.js
}

baseline=$(median_ms "$runs" node -e 0)
ours=$(median_ms "$runs" action)
cli=$(median_ms "$runs" node dist/cli.js validate --source examples/appspec-webapp)
echo "node -e 0:                  ${baseline} ms (median of $runs)"
echo "action validate (dist):     ${ours} ms"
echo "cli validate (dist):        ${cli} ms"
awk -v o="$ours" -v b="$baseline" 'BEGIN { printf "action/node ratio:          %.2fx (goal <= 3x, <= 150 ms)\n", o/b }'
echo "dist sizes: $(du -k dist/index.js | cut -f1) KiB index.js, $(du -k dist/cli.js | cut -f1) KiB cli.js"
