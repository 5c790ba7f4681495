#!/bin/sh
# Install: copy the service into SERVICE_DIR and start it in the background.
set -eu
mkdir -p "$SERVICE_DIR"
cp service.py "$SERVICE_DIR/"
cd "$SERVICE_DIR"
nohup python3 service.py "$SERVICE_PORT" >>service.log 2>&1 &
echo $! >service.pid
echo "symphony service started (pid $(cat service.pid), port $SERVICE_PORT)"
