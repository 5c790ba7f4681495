#!/usr/bin/env bash
# Engine overhead per hook: deploy a revision with 50 no-op hooks, against a
# bash loop running the same 50 scripts, in the same run (medians).
# Goal (issue 3): ≤ 3 ms overhead per hook.
#   marginal = (deploy(50 hooks) − deploy(1 hook) − loop(49 scripts)) / 49
#     — what each extra hook costs; the fixed start-up is bench/cold-start.sh's
#   all-in   = (deploy(50 hooks) − loop(50 scripts)) / 50
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-11}
cli=${CLI:-dist/cli.js} # CLI=other/cli.js compares another build
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

deploy() { node "$cli" deploy --source "$1" --deployment-root "$tmp/root" --deployment-group "g$RANDOM"; }
loop() { for s in "$1"/scripts/*.sh; do "$s"; done; }
# check both work before timing
deploy "$tmp/rev50" >/dev/null

# Rounds interleave the three runs, and the figures are medians of the
# per-round values: this VM's speed drifts by ±20 % over a minute, which
# would bias three back-to-back series against each other.
ms() { # command… → wall time in ms
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1 || true
  end=$(date +%s%N)
  echo $(((end - start) / 1000))e-3
}
rounds=$tmp/rounds
for _ in $(seq "$runs"); do
  echo "$(ms deploy "$tmp/rev50") $(ms deploy "$tmp/rev1") $(ms loop "$tmp/rev50")" >>"$rounds"
done
median() { sort -g | awk '{a[NR]=$1} END {printf "%.2f", (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'; }
d50=$(awk '{print $1}' "$rounds" | median)
d1=$(awk '{print $2}' "$rounds" | median)
l50=$(awk '{print $3}' "$rounds" | median)
marginal=$(awk '{print ($1 - $2 - $3 * 49 / 50) / 49}' "$rounds" | median)
allin=$(awk '{print ($1 - $3) / 50}' "$rounds" | median)
echo "deploy, 50 hooks:        $d50 ms (median of $runs rounds)"
echo "deploy, 1 hook:          $d1 ms"
echo "bash loop, 50 scripts:   $l50 ms"
echo "marginal overhead/hook: $marginal ms (goal <= 3 ms)"
echo "all-in overhead/hook:   $allin ms (incl. node start-up, staging, state)"
awk -v d50="$d50" -v l="$l50" 'BEGIN { printf "ratio deploy(50)/loop:  %.2fx\n", d50 / l }'
