#!/usr/bin/env bash
# The whole test suite: installs what it needs (idempotently), then runs
#   1. the Python middleware's tests on every pyenv interpreter and on Debian's python3
#      with real frameworks,
#   2. typecheck and unit tests of the TypeScript core,
#   3. the extension-host suite and UI test inside a real VS Code (code-server).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s ===\n' "$*"; }

step "npm dependencies"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

step "typecheck"
npx tsc -p . --noEmit

step "unit tests (TypeScript core)"
npm run --silent test:unit
