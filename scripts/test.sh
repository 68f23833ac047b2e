#!/usr/bin/env bash
# The whole test suite (what CI runs through .ci/run). Installs what it needs, idempotently:
# npm packages, Debian packages (Chromium, ripgrep, the Python frameworks) and code-server.
#   1. typecheck (each layer with its own compiler settings), lint, unit tests of the TypeScript
#      core (pure: no other program, no real time) and integration tests (python3 and the
#      middleware, headless Chromium, real folders and watchers), and pyright on the middleware,
#   2. the Python middleware's tests on every pyenv interpreter and, with real frameworks,
#      on Debian's python3,
#   3. the extension-host suite and the UI test inside a real VS Code (code-server).
# Every step runs even when an earlier one failed; the exit status says whether all passed.
set -uo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s ===\n' "$*"; }
failed=()
started=$SECONDS

step "npm dependencies"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund </dev/null || { echo "npm ci failed"; exit 1; }
fi

# code-server's set-up also installs Debian's Chromium, which the webview integration tests use.
step "code-server and Debian packages"
bash scripts/setup-code-server.sh </dev/null || failed+=("set-up of code-server")

# Each layer (src/core, webview, src, and the tests over all) with its own compiler settings.
step "typecheck"
npm run --silent typecheck </dev/null || failed+=("typecheck")

step "lint and format"
npm run --silent lint </dev/null || failed+=("lint")
npm run --silent format:check </dev/null || failed+=("format (npm run format fixes it)")

step "unit tests (TypeScript core)"
npm run --silent test:unit </dev/null || failed+=("unit tests")

step "integration tests (python3, Chromium, real files and watchers)"
npm run --silent test:integration </dev/null || failed+=("integration tests")

step "Python type check (pyright, strict)"
bash scripts/check-python-types.sh </dev/null || failed+=("Python type check")

step "Python middleware"
bash scripts/test-python.sh </dev/null || failed+=("Python middleware tests")

step "extension in a real VS Code"
bash scripts/test-vscode.sh </dev/null || failed+=("VS Code tests")

printf '\n=== summary (%d s) ===\n' "$((SECONDS - started))"
if [ ${#failed[@]} -gt 0 ]; then
  printf 'FAILED: %s\n' "${failed[@]}"
  exit 1
fi
echo "all tests passed"
