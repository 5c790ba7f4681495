#!/usr/bin/env bash
# Bundles the action (dist/index.js) and the CLI (dist/cli.js) with ncc.
# ncc builds one entry per run, so each is built into a scratch folder and moved.
set -euo pipefail
out=${1:-dist}
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
ncc=node_modules/.bin/ncc
"$ncc" build src/index.ts -o "$scratch/action" --minify --license licenses.txt --quiet
"$ncc" build src/cli.ts -o "$scratch/cli" --minify --quiet
mkdir -p "$out"
cp "$scratch/action/index.js" "$out/index.js"
cp "$scratch/action/licenses.txt" "$out/licenses.txt"
# The CLI runs as `npx deploy-hooks` and on fleet hosts as a single file.
{ echo '#!/usr/bin/env node'; grep -v '^#!' "$scratch/cli/index.js"; } >"$out/cli.js"
chmod 755 "$out/cli.js"
echo '{"type":"module"}' >"$out/package.json"
