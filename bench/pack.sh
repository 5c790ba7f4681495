#!/usr/bin/env bash
# Benchmarks `pack` (to .tar.gz) against `tar -czf` and `git archive`, and the
# safe unpack against `tar -xzf`, on a ~200 MB mixed tree; prints each ratio
# (ours / baseline: below 1 is faster) as the median of RUNS runs, then the
# peak RSS of pack on a 200 MB and a 1 GB tree (memory must stay flat).
#
# Env: RUNS (5), SIZE_MB (200), BIG_MB (1000; 0 skips the big tree),
#      BENCH_TMP (parent of the scratch directory; e.g. /dev/shm to take the
#      disk out of the comparison).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-5}
size_mb=${SIZE_MB:-200}
big_mb=${BIG_MB:-1000}
work=$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/pack-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "building the runner with ncc..." >&2
"$root/node_modules/.bin/ncc" build "$root/bench/pack-runner.mjs" -o "$work/runner" --quiet >&2
runner="$work/runner/index.mjs"

node "$root/bench/pack-make-tree.mjs" "$work/tree" "$size_mb" >&2
# The repository lives beside the tree, so neither tar nor pack sees a .git.
git_in_tree=(git --git-dir="$work/tree.git" --work-tree="$work/tree")
"${git_in_tree[@]}" init -q
"${git_in_tree[@]}" add -A
"${git_in_tree[@]}" -c user.name=bench -c user.email=bench@localhost commit -q -m tree

# Seconds a command takes, its output discarded. `sync` first, outside the
# timing, so one run's dirty pages are not written back during the next.
timed() {
  sync
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}
median() { sort -g "$1" | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
ratio() {
  local ours theirs
  ours=$(median "$work/t.$2")
  theirs=$(median "$work/t.$3")
  awk -v o="$ours" -v t="$theirs" -v name="$1" -v n="$runs" \
    'BEGIN { printf "%s: %.2fx (median of %d: %.2f s vs %.2f s)\n", name, o / t, n, o, t }'
}

# Interleaved, so a noisy neighbour hurts every contender alike. Each
# unpacked tree is removed before the next contender runs: deleting thousands
# of files leaves the file system busy, and that must not land on one side.
for i in $(seq "$runs"); do
  echo "run $i/$runs" >&2
  rm -f "$work"/out*
  timed node "$runner" pack "$work/tree" "$work/out.tar.gz" >>"$work/t.pack"
  timed tar -czf "$work/out-tar.tgz" -C "$work/tree" . >>"$work/t.tar-czf"
  timed "${git_in_tree[@]}" archive --format=tar.gz -o "$work/out-git.tgz" HEAD >>"$work/t.git-archive"
  timed node "$runner" unpack "$work/out.tar.gz" "$work/x" >>"$work/t.unpack"
  if [ "$i" = 1 ]; then
    # The benchmark means nothing if the round trip is wrong.
    rm "$work/x/revision.json"
    diff -r --no-dereference "$work/tree" "$work/x" >/dev/null || { echo "unpacked tree differs from the source" >&2; exit 1; }
  fi
  rm -rf "$work/x"
  mkdir "$work/y"
  timed tar -xzf "$work/out.tar.gz" -C "$work/y" >>"$work/t.tar-xzf"
  rm -rf "$work/y"
done

ratio pack/tar-czf pack tar-czf
ratio pack/git-archive pack git-archive
ratio unpack/tar-xzf unpack tar-xzf
mb() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f MB", b / 1048576 }'; }
echo "bundle size: pack $(mb "$work/out.tar.gz"), tar -czf $(mb "$work/out-tar.tgz"), git archive $(mb "$work/out-git.tgz")"

# Peak resident memory (KB) of a command: GNU time when present, else VmHWM polled from /proc.
peak_rss_kb() {
  if [ -x /usr/bin/time ] && /usr/bin/time -f %M true >/dev/null 2>&1; then
    /usr/bin/time -f %M -o "$work/rss" "$@" >/dev/null
    tail -1 "$work/rss"
  else
    "$@" >/dev/null &
    local pid=$! hwm=0 now
    while kill -0 "$pid" 2>/dev/null; do
      now=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
      [ -n "$now" ] && [ "$now" -gt "$hwm" ] && hwm=$now
      sleep 0.05
    done
    wait "$pid"
    echo "$hwm"
  fi
}
report_rss() {
  rm -f "$work"/rss-out.tar.gz
  local kb
  kb=$(peak_rss_kb node "$runner" pack "$1" "$work/rss-out.tar.gz")
  echo "pack peak RSS, $2 MB tree: $((kb / 1024)) MB"
}
report_rss "$work/tree" "$size_mb"
if [ "$big_mb" -gt 0 ]; then
  rm -rf "$work"/out* "$work/tree" "$work/tree.git"
  node "$root/bench/pack-make-tree.mjs" "$work/big" "$big_mb" >&2
  report_rss "$work/big" "$big_mb"
fi
