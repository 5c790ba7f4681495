#!/usr/bin/env bash
# `npm run demo`: validates every example, then deploys the example web app
# on this machine twice (the second deployment runs the first revision's
# ApplicationStop), checks that it answers, and stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
cli="node dist/cli.js"
export APP_PORT=${APP_PORT:-18080}

for dir in examples/*/; do
  echo "═══ validate ${dir%/}"
  $cli validate --source "$dir"
  echo
done

root=$(mktemp -d -t deploy-hooks-demo-XXXXXX)
for n in 1 2; do
  echo "═══ deploy examples/appspec-webapp (deployment $n of 2) into $root"
  $cli deploy --source examples/appspec-webapp --deployment-root "$root" \
    --application-name webapp --deployment-group demo --deployment-id "d-DEMO0000$n"
  echo "─── the service answers: $(node -e "fetch('http://127.0.0.1:$APP_PORT/').then(r => r.text()).then(t => process.stdout.write(t))")"
  echo
done

echo "═══ stopping the demo service"
bash examples/appspec-webapp/scripts/stop.sh
echo
echo "Look at:"
echo "  $root/demo/d-DEMO00002/logs/hooks.log    what every hook printed"
echo "  $root/demo/d-DEMO00002/report.json       the deployment, step by step"
echo "  $root/demo/last-succeeded                the rollback target"
