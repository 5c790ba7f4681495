#!/bin/bash
# Start the server in the background and exit: deploy-hooks finishes this step
# as soon as the script exits, and the server keeps running after the job.
set -euo pipefail
dir=/tmp/deploy-hooks-examples/webapp
nohup node "$dir/server.js" >>"$dir/server.log" 2>&1 &
echo $! >"$dir/server.pid"
echo "started server pid $(cat "$dir/server.pid") on port ${APP_PORT:-18080}"
