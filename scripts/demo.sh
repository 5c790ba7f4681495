#!/usr/bin/env bash
# `npm run demo [-- NAME]`: validates the examples, then deploys them on this
# machine into a temporary deployment root and shows each service answering.
# The AppSpec web app is deployed twice: the second deployment runs the first
# revision's ApplicationStop. NAME picks one example.
set -euo pipefail
cd "$(dirname "$0")/.."
cli=(node dist/cli.js)
root=$(mktemp -d -t deploy-hooks-demo-XXXXXX)

# The inputs each example is deployed with (lifecycle dialects have no
# manifest file): sets the array `extra`.
flags() {
  extra=()
  case "$1" in
    lifecycle-service)
      extra=(--install "bash scripts/install.sh" --update "bash scripts/install.sh"
        --start "bash scripts/start.sh" --stop "bash scripts/stop.sh"
        --health-check "bash scripts/health.sh" --restart "bash scripts/start.sh") ;;
    command-only)
      extra=(--start '"$REVISION_ROOT/bin/start.sh"' --stop '"$REVISION_ROOT/bin/stop.sh"'
        --working-directory /tmp/deploy-hooks-examples/command-only) ;;
  esac
}
port() {
  case "$1" in
    appspec-webapp) echo 18080 ;; symphony-package) echo 18081 ;;
    lifecycle-service) echo 18082 ;; command-only) echo 18083 ;;
  esac
}
stop() {
  case "$1" in
    appspec-webapp) bash examples/appspec-webapp/scripts/stop.sh ;;
    symphony-package) SERVICE_DIR=/tmp/deploy-hooks-examples/symphony sh examples/symphony-package/scripts/uninstall.sh || true ;;
    lifecycle-service) bash examples/lifecycle-service/scripts/stop.sh ;;
    command-only) bash examples/command-only/bin/stop.sh ;;
  esac
}
answer() { # port → the first 120 characters the service answers, trying for 5 s
  node -e "
    const get = (n) => fetch('http://127.0.0.1:$1/').then((r) => r.text()).then(
      (t) => process.stdout.write(t.trim().slice(0, 120)),
      () => (n > 0 ? setTimeout(() => get(n - 1), 100) : process.stdout.write('(no answer)')));
    get(50);"
}
run() { # name deployment-number
  local name=$1 n=$2
  flags "$name"
  echo "═══ deploy examples/$name (deployment $n) into $root"
  "${cli[@]}" deploy --source "examples/$name" --deployment-root "$root" --application-name "$name" \
    --deployment-group demo-"$name" --deployment-id "d-DEMO0000$n" ${extra[@]+"${extra[@]}"}
  echo "─── the service answers: $(answer "$(port "$name")")"
  echo
}

names=("$@")
[ ${#names[@]} -gt 0 ] || names=(appspec-webapp symphony-package lifecycle-service command-only)
for name in "${names[@]}"; do
  [ -d "examples/$name" ] || { echo "no example named $name: $(ls examples | tr '\n' ' ')" >&2; exit 2; }
  flags "$name"
  echo "═══ validate examples/$name"
  "${cli[@]}" validate --source "examples/$name" ${extra[@]+"${extra[@]}"}
  echo
done
for name in "${names[@]}"; do
  run "$name" 1
  [ "$name" != appspec-webapp ] || run "$name" 2
  echo "─── stopping $name: $(stop "$name" | tail -1)"
  echo
done
echo "Look at $root/<group>/<deployment-id>/: logs/hooks.log (what every hook printed),"
echo "report.json (the deployment, step by step); <group>/last-succeeded is the rollback target."
