#!/usr/bin/env bash
# The fast lane, for before a commit: what can be checked in about two minutes without a VS Code.
#   TypeScript: each layer's typecheck, ESLint (with the layering rules), Prettier, the unit tier;
#   Python: pyright strict (as 3.13) and the middleware's tests on one interpreter
#   (PYTHON=..., default pyenv's newest 3.13, else python3).
# The Python tests run beside the TypeScript checks (two cores). The whole suite, what CI runs,
# stays scripts/test.sh. Installs nothing: run `npm ci` once first.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ]; then
  echo "node_modules is missing: run npm ci first" >&2
  exit 1
fi

started=$SECONDS
failed=()
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

python=${PYTHON:-}
if [ -z "$python" ]; then
  python=$(ls -d "$(pyenv root 2>/dev/null)"/versions/3.13*/bin/python 2>/dev/null | tail -n 1)
  python=${python:-python3}
fi
(cd python && "$python" -m unittest discover -s tests -t . >"$logs/python.log" 2>&1) &
python_job=$!

run() {
  local name=$1
  shift
  local begun=$SECONDS
  if "$@" >"$logs/step.log" 2>&1; then
    printf '  ok    %-28s %3d s\n' "$name" "$((SECONDS - begun))"
  else
    printf '  FAIL  %-28s %3d s\n' "$name" "$((SECONDS - begun))"
    sed 's/^/        /' "$logs/step.log" | tail -n 40
    failed+=("$name")
  fi
}

echo "scripts/check.sh: the fast lane (scripts/test.sh is the whole suite)"
run "typecheck (each layer)" npm run --silent typecheck
run "lint" npm run --silent lint
run "format" npm run --silent format:check
run "unit tests" npm run --silent test:unit
run "pyright (as 3.13)" npx --no-install pyright -p python --pythonversion 3.13

begun=$SECONDS
if wait "$python_job"; then
  printf '  ok    %-28s (%s, beside the above)\n' "Python tests" "$("$python" --version 2>&1)"
else
  printf '  FAIL  %-28s (%s)\n' "Python tests" "$("$python" --version 2>&1)"
  grep -E '^(FAIL|ERROR):|Error|^Ran|^FAILED' "$logs/python.log" | head -n 30 | sed 's/^/        /'
  failed+=("Python tests")
fi

printf 'scripts/check.sh: %d s\n' "$((SECONDS - started))"
if [ ${#failed[@]} -gt 0 ]; then
  printf 'FAILED: %s\n' "${failed[*]}"
  exit 1
fi
echo "all fast checks passed"
