#!/bin/bash
# Alibaba-style stop: runs before EVERY start, the first deployment included,
# so it must stop any version and exit 0 when nothing runs.
pidfile=/tmp/deploy-hooks-command-only.pid
if [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null; then echo "stopped pid $(cat "$pidfile")"; else echo "nothing running"; fi
rm -f "$pidfile"
exit 0
