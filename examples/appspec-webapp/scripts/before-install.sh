#!/bin/bash
# Prepare the install target; Install copies app/ there next.
set -euo pipefail
mkdir -p /tmp/deploy-hooks-examples/webapp
echo "preparing ${APPLICATION_NAME} ${DEPLOYMENT_ID} (commit ${BUNDLE_COMMIT:-unknown})"
