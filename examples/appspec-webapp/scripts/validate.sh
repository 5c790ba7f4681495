#!/bin/bash
# The service is up when it answers; try for 10 seconds.
set -euo pipefail
url="http://127.0.0.1:${APP_PORT:-18080}/"
for _ in $(seq 1 50); do
  if body=$(node -e "fetch('$url').then(r=>r.text()).then(t=>{process.stdout.write(t)}).catch(()=>process.exit(1))"); then
    echo "service answered: $body"
    exit 0
  fi
  sleep 0.2
done
echo "service did not answer at $url" >&2
exit 1
