#!/usr/bin/env bash
# The extension inside a real VS Code (code-server 4.100.3 = VS Code 1.100.3, driven by headless
# Debian Chromium):
#   1. installs code-server and the Debian packages it needs, unless already there,
#   2. runs the extension-host suite (test/suite) against the packaged .vsix,
#   3. runs the Playwright UI tests of the Profiles view, the call graph, the call tree and compare against
#      the same .vsix,
#   4. runs the demo (scripts/demo.sh --smoke): demo app, code-server and the Profiles view, live.
# Every test step runs even when an earlier one fails, so one CI run reports all; the exit status is
# non-zero when any failed. Logs and screenshots land in test-results/.
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
reasons=()
mkdir -p test-results

# Runs one test step with its output both shown and kept in test-results/step-<slug>.log; when it
# fails, its first failure lines are kept for the summary, because CI shows only the end of the
# output and "FAILED: call graph UI test" alone does not say why.
run_step() {
  local name=$1 slug=$2
  shift 2
  local log="test-results/step-$slug.log"
  local status=0
  if "$@" 2>&1 | tee "$log"; then status=0; else status=${PIPESTATUS[0]}; fi
  if [ "$status" -ne 0 ]; then
    failed+=("$name")
    local why
    why=$(grep -E 'FAILED|AssertionError|Error:|failing|[0-9]+\) ' "$log" | grep -v '^\s*at ' | head -n 8 || true)
    reasons+=("--- $name (exit $status; whole log: $log)" "${why:-(no failure line found; see the log)}")
  fi
}

step "extension-host suite in code-server"
started=$(date +%s)
run_step "extension-host suite" suite node test/runner/runInCodeServer.mjs
took "extension-host suite (build, package, run)" "$started"

# The UI tests, each driving the packaged extension in code-server as a person would:
#   Profiles view: open the view, rows for the fixtures, click one.
#   call graph: F1 Open Call Graph, pick GET /slow, hot path drawn, a click lands on its line.
#   call tree: open GET /slow from the panel, keyboard through the hot path, Enter lands on the def
#     line, search, the other tabs, state after a reload, a hostile profile shown as text.
#   compare: select GET / and GET /slow in the panel, Compare With…, the prime search tops the list.
#   sandwich: GET /slow, the Functions tab, S on is_prime: both halves drawn, Enter lands on its def line.
# The suite runner has just packaged the .vsix (it deletes the old one first); each test packages
# again only when it did not get that far.
for ui_test in "Profiles view:profilesPanel" "call graph:callGraph" "call tree:callTree" "compare:compare" "sandwich:sandwich"; do
  name=${ui_test%%:*}
  step "UI test: $name"
  started=$(date +%s)
  ui_args=()
  if [ -f out/request-profiler.vsix ]; then ui_args=(--skip-build); fi
  run_step "$name UI test" "ui-${ui_test#*:}" node "test/ui/${ui_test#*:}.ui.mjs" "${ui_args[@]}"
  took "$name UI test" "$started"
done

step "demo smoke test: bash scripts/demo.sh --smoke"
started=$(date +%s)
# The README's first command, headless: the demo app's requests appear in the Profiles view, and
# so does one made while it is open. Reuses the .vsix packaged above when there is one.
demo_env=()
if [ -f out/request-profiler.vsix ]; then demo_env=(SKIP_PACKAGE=1); fi
run_step "demo smoke test" demo env "${demo_env[@]}" bash scripts/demo.sh --smoke </dev/null
took "demo smoke test" "$started"

if [ ${#failed[@]} -gt 0 ]; then
  printf '\n[test-vscode] FAILED: %s\n' "${failed[*]}"
  printf '%s\n' "${reasons[@]}"
  exit 1
fi
printf '\n[test-vscode] all passed\n'
