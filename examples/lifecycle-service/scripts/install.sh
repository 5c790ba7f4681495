#!/bin/bash
# install (first deployment) and update (later ones): put the service in place.
set -euo pipefail
mkdir -p /tmp/deploy-hooks-examples/lifecycle
cp -r bin package.json /tmp/deploy-hooks-examples/lifecycle/
echo "installed into /tmp/deploy-hooks-examples/lifecycle"
