#!/usr/bin/env bash
# Runs every test suite: type check, unit/property/fixture tests (no root needed),
# then the namespace suites (root: real BIRD, FRR, GoBGP peers and kernel tables).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
npm run typecheck
mkdir -p .test-results
status=0
npx vitest run --project unit --reporter=default --reporter=json --outputFile=.test-results/unit.json || status=1
if [[ $(id -u) -eq 0 ]]; then
  npx vitest run --project root --reporter=default --reporter=json --outputFile=.test-results/root.json || status=1
else
  echo "test: not root, namespace suites not run" >&2
  status=1
fi
node scripts/summarize-tests.mjs .test-results/unit.json .test-results/root.json
exit $status
