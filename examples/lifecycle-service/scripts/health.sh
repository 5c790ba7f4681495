#!/bin/bash
# Healthy when /health answers within 3 seconds.
url="http://127.0.0.1:${APP_PORT:-18082}/health"
for _ in $(seq 15); do
  node -e "fetch('$url').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))" && { echo healthy; exit 0; }
  sleep 0.2
done
echo "no answer from $url" >&2
exit 1
