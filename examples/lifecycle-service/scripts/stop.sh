#!/bin/bash
# Stops whatever version runs; exits 0 when nothing runs.
set -uo pipefail
pidfile=/tmp/deploy-hooks-examples/lifecycle/server.pid
if [ -f "$pidfile" ]; then kill "$(cat "$pidfile")" 2>/dev/null && echo stopped; rm -f "$pidfile"; fi
exit 0
