#!/bin/bash
set -euo pipefail
dir=/tmp/deploy-hooks-examples/lifecycle
nohup node "$dir/bin/server.js" >>"$dir/server.log" 2>&1 &
echo $! >"$dir/server.pid"
echo "started pid $(cat "$dir/server.pid")"
