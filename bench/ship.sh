#!/usr/bin/env bash
# Ships a small revision all-at-once to 1 and to 8 local sshd "hosts" (each
# its own sshd on 127.0.0.1 and its own Unix user) and prints:
#   wall(8) / wall(1)  — median of RUNS runs each; goal (issue 6) ≤ 1.5
#   SSH connections each host accepted per ship — goal exactly 1
#     ("Accepted publickey" lines in each sshd's -E log)
# Every host here shares this machine's cores, which a real fleet does not:
# the ratio is a worst case. To show where the time goes, it also ships to the
# 8 hosts one at a time: serial/all-at-once is the parallel speed-up, which the
# hosts' own CPU work (sshd, the engine's node) caps near the core count.
#
# Needs root (useradd, sshd) and /usr/sbin/sshd; uses dist/cli.js as the
# engine copied to the hosts. Env: RUNS (5), HOSTS (8).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-5}
fleet=${HOSTS:-8}
[ "$(id -u)" = 0 ] || { echo "bench/ship.sh needs root (it adds users and runs sshd)" >&2; exit 2; }
[ -x /usr/sbin/sshd ] || { echo "needs /usr/sbin/sshd: apt-get install -y openssh-server" >&2; exit 2; }
[ -f "$root/dist/cli.js" ] || { echo "needs dist/cli.js: npm run build" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/ship-bench.XXXXXX")
chmod 755 "$work"
tag=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
pids=()
users=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for user in "${users[@]}"; do userdel -r -f "$user" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

echo "compiling src/ for the ship runner..." >&2
# Plain tsc output (errors in files ship does not use do not stop the emit);
# the node_modules link lets the compiled files resolve their packages.
(cd "$root" && node_modules/.bin/tsc -p tsconfig.json --outDir "$work/build" >/dev/null) || true
ln -s "$root/node_modules" "$work/node_modules"
cat >"$work/runner.mjs" <<EOF
// node runner.mjs HOSTS_FILE SOURCE [STRATEGY]: ships, prints the fleet status.
import * as fs from 'node:fs';
import { readSettings } from '$work/build/settings.js';
import { runShipCommand } from '$work/build/commands/ship.js';
const [hostsFile, source] = process.argv.slice(2);
const inputs = {
  command: 'ship',
  source,
  hosts: fs.readFileSync(hostsFile, 'utf8'),
  'ssh-key': fs.readFileSync('$work/client', 'utf8'),
  'known-hosts': fs.readFileSync('$work/known_hosts', 'utf8'),
  strategy: process.argv[4] ?? 'all-at-once',
  'application-name': 'bench',
};
const settings = readSettings((n) => inputs[n] ?? '', { env: {}, cwd: process.cwd(), isRoot: true });
const quiet = { info() {}, warning() {}, error: (m) => console.error(m), diagnostic() {}, startGroup() {}, endGroup() {} };
const report = await runShipCommand(settings, quiet, new AbortController().signal, {
  cliPath: '$root/dist/cli.js',
  env: { ...process.env, RUNNER_TEMP: '$work/runner-temp' },
});
console.log(report.status);
process.exitCode = report.status === 'succeeded' ? 0 : 1;
EOF
runner="$work/runner.mjs"
mkdir -p "$work/runner-temp" /run/sshd

echo "starting $fleet sshd hosts..." >&2
ssh-keygen -q -t ed25519 -N '' -f "$work/client"
cp "$work/client.pub" "$work/authorized_keys"
chmod 644 "$work/authorized_keys"
: >"$work/known_hosts"
: >"$work/hosts-all"
for i in $(seq "$fleet"); do
  user="dhb${tag}h$i"
  useradd -m -s /bin/bash "$user"
  usermod -p '*' "$user"
  users+=("$user")
  ssh-keygen -q -t ed25519 -N '' -f "$work/host$i"
  port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
  /usr/sbin/sshd -D -E "$work/sshd$i.log" -f /dev/null \
    -o "ListenAddress=127.0.0.1:$port" -o "HostKey=$work/host$i" \
    -o "AuthorizedKeysFile=$work/authorized_keys" -o PidFile=none -o StrictModes=no &
  pids+=($!)
  for _ in $(seq 50); do
    line=$(ssh-keyscan -T 1 -t ed25519 -p "$port" 127.0.0.1 2>/dev/null || true)
    [ -n "$line" ] && break
    sleep 0.1
  done
  echo "$line" >>"$work/known_hosts"
  echo "$user@127.0.0.1:$port" >>"$work/hosts-all"
done
head -n 1 "$work/hosts-all" >"$work/hosts-one"

mkdir -p "$work/rev/scripts"
printf 'version: 0.0\nos: linux\nhooks:\n  ApplicationStart:\n    - location: scripts/start.sh\n      timeout: 60\n' >"$work/rev/appspec.yml"
printf '#!/bin/bash\necho "started $DEPLOYMENT_ID"\n' >"$work/rev/scripts/start.sh"
chmod +x "$work/rev/scripts/start.sh"

ship() { # hosts-file [strategy] → seconds
  local t0 t1
  t0=$(date +%s.%N)
  node "$runner" "$1" "$work/rev" "${2:-all-at-once}" >/dev/null || { echo "ship to $1 failed" >&2; exit 1; }
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

ship "$work/hosts-all" >/dev/null # warm-up: first deployments, page cache
accepted_before=()
for i in $(seq "$fleet"); do accepted_before+=("$(grep -c 'Accepted publickey' "$work/sshd$i.log" || true)"); done
: >"$work/t1"
: >"$work/t8"
: >"$work/serial"
for _ in $(seq "$runs"); do
  ship "$work/hosts-one" >>"$work/t1"
  ship "$work/hosts-all" >>"$work/t8"
  ship "$work/hosts-all" one-at-a-time >>"$work/serial"
done
one=$(median <"$work/t1")
all=$(median <"$work/t8")
serial=$(median <"$work/serial")

echo "ship all-at-once, small revision, median of $runs runs (this machine: $(nproc) cores)"
echo "  1 host:   ${one} s"
echo "  $fleet hosts:  ${all} s"
awk -v a="$all" -v o="$one" -v n="$fleet" 'BEGIN { printf "  wall(%d)/wall(1): %.2f (goal <= 1.5)\n", n, a / o }'
echo "  $fleet hosts one-at-a-time: ${serial} s"
awk -v s="$serial" -v a="$all" -v c="$(nproc)" 'BEGIN { printf "  parallel speed-up (one-at-a-time / all-at-once): %.2fx on %d cores\n", s / a, c }'
per_ship=()
for i in $(seq "$fleet"); do
  now=$(grep -c 'Accepted publickey' "$work/sshd$i.log" || true)
  ships=$((runs * 2))
  [ "$i" = 1 ] && ships=$((runs * 3))
  per_ship+=("$(awk -v c="$((now - accepted_before[i - 1]))" -v s="$ships" 'BEGIN { printf "%g", c / s }')")
done
echo "  SSH connections accepted per host per ship: ${per_ship[*]} (goal: 1 each)"
