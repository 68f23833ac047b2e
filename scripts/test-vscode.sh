#!/usr/bin/env bash
# The extension inside a real VS Code (code-server 4.100.3 = VS Code 1.100.3, driven by headless
# Debian Chromium):
#   1. installs code-server and the Debian packages it needs, unless already there,
#   2. runs the extension-host suite (test/suite) against the packaged .vsix,
#   3. runs the Playwright UI test of the Profiles view against the same .vsix.
# Both test steps run even when the first fails, so one CI run reports both; the exit status is
# non-zero when either failed. Logs and screenshots land in test-results/.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s ===\n' "$*"; }
took() { printf '[test-vscode] %s: %d s\n' "$1" "$(($(date +%s) - $2))"; }

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "npm dependencies"
  npm ci --no-audit --no-fund </dev/null
fi

step "code-server"
started=$(date +%s)
bash scripts/setup-code-server.sh
took "set up code-server" "$started"

failed=()

step "extension-host suite in code-server"
started=$(date +%s)
node test/runner/runInCodeServer.mjs || failed+=("extension-host suite")
took "extension-host suite (build, package, run)" "$started"

step "UI test: Profiles view"
started=$(date +%s)
# The suite runner has just packaged the .vsix (it deletes the old one first); package again only
# when it did not get that far.
ui_args=()
if [ -f out/request-profiler.vsix ]; then ui_args=(--skip-build); fi
node test/ui/profilesPanel.ui.mjs "${ui_args[@]}" || failed+=("UI test")
took "UI test" "$started"

if [ ${#failed[@]} -gt 0 ]; then
  printf '\n[test-vscode] FAILED: %s\n' "${failed[*]}"
  exit 1
fi
printf '\n[test-vscode] all passed\n'
