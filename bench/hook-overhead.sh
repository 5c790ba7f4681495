#!/usr/bin/env bash
# Engine overhead per hook: deploy a revision with 50 no-op hooks, against a
# bash loop running the same 50 scripts, in the same run (medians).
# Goal (issue 3): ≤ 3 ms overhead per hook.
#   marginal = (deploy(50 hooks) − deploy(1 hook) − loop(49 scripts)) / 49
#     — what each extra hook costs; the fixed start-up is bench/cold-start.sh's
#   all-in   = (deploy(50 hooks) − loop(50 scripts)) / 50
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
runs=${RUNS:-7}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

make_revision() { # dir count: `count` no-op scripts spread over four events
  local dir=$1 count=$2 events=(BeforeInstall AfterInstall ApplicationStart ValidateService)
  mkdir -p "$dir/scripts"
  printf 'version: 0.0\nos: linux\nhooks:\n' >"$dir/appspec.yml"
  for e in "${!events[@]}"; do
    local listed=0
    for i in $(seq "$((e + 1))" ${#events[@]} "$count"); do
      printf '#!/bin/bash\n:\n' >"$dir/scripts/hook-$i.sh"
      chmod +x "$dir/scripts/hook-$i.sh"
      [ $listed -eq 1 ] || printf '  %s:\n' "${events[$e]}" >>"$dir/appspec.yml"
      listed=1
      printf '    - location: scripts/hook-%s.sh\n      timeout: 60\n' "$i" >>"$dir/appspec.yml"
    done
  done
}
make_revision "$tmp/rev50" 50
make_revision "$tmp/rev1" 1

deploy() { node dist/cli.js deploy --source "$1" --deployment-root "$tmp/root" --deployment-group "g$RANDOM"; }
loop() { for s in "$1"/scripts/*.sh; do "$s"; done; }
# check both work before timing
deploy "$tmp/rev50" >/dev/null

d50=$(median_ms "$runs" deploy "$tmp/rev50")
d1=$(median_ms "$runs" deploy "$tmp/rev1")
l50=$(median_ms "$runs" loop "$tmp/rev50")
echo "deploy, 50 hooks:        $d50 ms (median of $runs)"
echo "deploy, 1 hook:          $d1 ms"
echo "bash loop, 50 scripts:   $l50 ms"
awk -v d50="$d50" -v d1="$d1" -v l="$l50" 'BEGIN {
  printf "marginal overhead/hook: %.2f ms (goal <= 3 ms)\n", (d50 - d1 - l * 49 / 50) / 49
  printf "all-in overhead/hook:   %.2f ms (incl. node start-up, staging, state)\n", (d50 - l) / 50
  printf "ratio deploy(50)/loop:  %.2fx\n", d50 / l
}'
