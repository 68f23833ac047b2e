#!/usr/bin/env bash
# Set-up and demo in one command. On a fresh Debian/Ubuntu machine with node 20 and python3:
#   1. installs the npm dependencies (npm ci) unless they are current,
#   2. installs code-server (a real VS Code served to a browser) and the Debian packages it
#      needs (scripts/setup-code-server.sh; idempotent),
#   3. builds and packages the extension into out/request-profiler.vsix,
#   4. starts the demo app (demo/app.py, standard library only, wrapped by the middleware) writing
#      profiles into a demo workspace outside the repository (~/.cache/request-profiler-demo/
#      workspace), sends it a few requests, installs the .vsix into code-server and serves that
#      workspace (scripts/demo/demo.mjs),
#   5. prints the URLs to open and runs until Ctrl-C.
#
#   bash scripts/demo.sh                          the demo, until Ctrl-C
#   bash scripts/demo.sh --smoke                  headless check of the same, exit status 0/1
#   bash scripts/demo.sh --smoke --screenshot     ... and save the README's pictures in docs/images/
#   bash scripts/demo.sh --app-port 8000          the demo app on a fixed port (default: any free one)
#   SKIP_PACKAGE=1 bash scripts/demo.sh ...       reuse out/request-profiler.vsix as it is
#   REQUEST_PROFILER_VSIX=x.vsix bash scripts/demo.sh ...   demonstrate (or smoke-test) that .vsix
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n[demo] %s\n' "$*"; }

for tool in node npm python3; do
  command -v "$tool" >/dev/null || { echo "demo: $tool is needed (node 20 and python3 3.8+)" >&2; exit 1; }
done

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund </dev/null
fi

say "code-server"
bash scripts/setup-code-server.sh </dev/null

if [ -n "${REQUEST_PROFILER_VSIX:-}" ]; then
  say "using $REQUEST_PROFILER_VSIX (REQUEST_PROFILER_VSIX)"
elif [ "${SKIP_PACKAGE:-}" = 1 ] && [ -f out/request-profiler.vsix ]; then
  say "reusing out/request-profiler.vsix (SKIP_PACKAGE=1)"
else
  say "building and packaging the extension (npm run package)"
  mkdir -p out # vsce writes -o out/request-profiler.vsix but does not create the folder
  npm run --silent package </dev/null
fi

# exec: Ctrl-C goes straight to the script that owns the servers and stops them.
exec node scripts/demo/demo.mjs "$@"
