#!/bin/bash
# Stop the server this revision started; nothing to do when none runs.
set -euo pipefail
pidfile=/tmp/deploy-hooks-examples/webapp/server.pid
if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  kill "$(cat "$pidfile")"
  echo "stopped server pid $(cat "$pidfile")"
else
  echo "no server running"
fi
rm -f "$pidfile"
