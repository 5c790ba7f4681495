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

# What @actions/core alone costs to start (bundled the same way): the floor
# for any action built on it.
mkdir -p src/.bench-core "$tmp/core"
trap 'rm -rf "$tmp" src/.bench-core' EXIT
printf "import * as core from '@actions/core';\ncore.getInput('command');\n" >src/.bench-core/core-only.ts
node_modules/.bin/ncc build src/.bench-core/core-only.ts -o "$tmp/core" --minify --quiet
rm -rf src/.bench-core

baseline=$(median_ms "$runs" node -e 0)
core_only=$(median_ms "$runs" node "$tmp/core/index.js")
ours=$(median_ms "$runs" action)
cli=$(median_ms "$runs" node dist/cli.js validate --source examples/appspec-webapp)
echo "node -e 0:                  ${baseline} ms (median of $runs)"
echo "@actions/core alone:        ${core_only} ms (the floor of any action using it)"
echo "action validate (dist):     ${ours} ms"
echo "cli validate (dist):        ${cli} ms"
awk -v o="$ours" -v b="$baseline" 'BEGIN { printf "action/node ratio:          %.2fx (goal <= 3x, <= 150 ms)\n", o/b }'
echo "dist sizes: $(du -k dist/index.js | cut -f1) KiB index.js, $(du -k dist/cli.js | cut -f1) KiB cli.js"
