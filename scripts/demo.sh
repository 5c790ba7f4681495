#!/usr/bin/env bash
# `npm run demo`: runs the engine on the built-in examples.
set -euo pipefail
cd "$(dirname "$0")/.."
cli=dist/cli.js
status=0
for dir in examples/*/; do
  name=$(basename "$dir")
  echo "═══ validate examples/$name"
  node "$cli" validate --source "$dir" || status=1
  echo
done
exit $status
