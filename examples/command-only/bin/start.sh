#!/bin/bash
# Alibaba-style start: launch the service in the background and return.
set -euo pipefail
cd "$(dirname "$0")/.."
nohup python3 -m http.server "${APP_PORT:-18083}" --bind 127.0.0.1 >>/tmp/deploy-hooks-command-only.log 2>&1 &
echo $! >/tmp/deploy-hooks-command-only.pid
echo "started pid $(cat /tmp/deploy-hooks-command-only.pid)"
