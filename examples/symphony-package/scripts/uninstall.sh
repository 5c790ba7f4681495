#!/bin/sh
# Uninstall: stop the service if it runs; exit 1 (allowed) when nothing ran.
set -u
pidfile="$SERVICE_DIR/service.pid"
if [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null; then
  rm -f "$pidfile"
  echo "symphony service stopped"
  exit 0
fi
echo "symphony service was not running"
exit 1
