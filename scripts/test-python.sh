#!/usr/bin/env bash
# The Python middleware's tests: unittest on every pyenv interpreter present
# (3.8 .. 3.13), then on Debian's /usr/bin/python3 with the real frameworks
# (Flask, Django, Pyramid + PasteDeploy, Starlette/FastAPI, uvloop), which this script
# installs from Debian's packages when they are missing. On Debian's python the
# framework tests must run: REQUEST_PROFILER_REQUIRE_FRAMEWORKS=1 turns their
# "not installed" skips into failures.
set -uo pipefail
cd "$(dirname "$0")/../python"

DEBIAN_PACKAGES=(python3-flask python3-django python3-starlette python3-uvicorn python3-fastapi
                 python3-httpx python3-uvloop python3-pyramid python3-pastedeploy python3-webob python3-setuptools
                 python3-pip gunicorn graphviz)

install_debian_packages() {
  local missing=()
  for pkg in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo -n"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}" \
    || { $sudo apt-get update -q -o DPkg::Lock::Timeout=300 \
         && $sudo apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}"; }
}

declare -a SUMMARY=()
FAILED=0

# A hang must fail the run, not stall it: each interpreter's suite gets this many
# seconds (a full suite takes well under a minute). On expiry `timeout` sends SIGABRT, which
# -X faulthandler turns into a traceback of every thread; -v has unittest name
# each test before it runs, so the last name in the log is the test that hung.
SUITE_TIME_LIMIT_S=${REQUEST_PROFILER_SUITE_TIME_LIMIT_S:-300}

hung_test() {  # log: the test that was running when the time limit struck
  local started frame
  started=$(grep -oE '^test[A-Za-z0-9_]* \([A-Za-z0-9_.]+\)' "$1" | tail -n 1)
  frame=$(grep -oE 'File "[^"]*tests/[^"]*", line [0-9]+ in test[A-Za-z0-9_]*' "$1" | head -n 1)
  echo "${started:-an unknown test}${frame:+ ($frame)}"
}

# Each suite's output is streamed as it runs, one line per test (unittest -v), prefixed with the
# interpreter; the summary at the end repeats each suite's result. Each suite gets a temporary
# folder of its own as TMPDIR: whatever a test leaves there fails the suite (a test that makes
# a temporary folder must remove it), and the folder is removed either way.
run_suite() {  # label, python, extra env...
  local label=$1 python=$2; shift 2
  local log status tmp leftovers
  log=$(mktemp)
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/rp-python-tests-XXXXXX")
  local started=$SECONDS
  echo "== $label"
  # ulimit -c 0: the SIGABRT must not leave core files behind.
  (ulimit -c 0; exec env TMPDIR="$tmp" "$@" timeout -s ABRT -k 30 "$SUITE_TIME_LIMIT_S" \
     "$python" -X faulthandler -m unittest discover -v -s tests -t .) 2>&1 | tee "$log" | sed -u "s/^/[$label] /"
  status=${PIPESTATUS[0]}
  leftovers=$(ls -A "$tmp" | head -n 5 | tr '\n' ' ')
  rm -rf "$tmp"
  if [ $status -eq 0 ] && [ -z "$leftovers" ]; then
    SUMMARY+=("PASS  $label  $(tail -n 3 "$log" | grep -E '^Ran|^OK' | tr '\n' ' ')($((SECONDS - started))s)")
    rm -f "$log"
    return
  fi
  FAILED=1
  if [ $status -eq 124 ] || [ $status -eq 137 ]; then
    SUMMARY+=("FAIL  $label  HUNG: no result after ${SUITE_TIME_LIMIT_S}s; running: $(hung_test "$log")")
  elif [ $status -ne 0 ]; then
    SUMMARY+=("FAIL  $label  $(grep -E '^Ran|^FAILED' "$log" | tr '\n' ' ')(exit $status)")
  fi
  if [ -n "$leftovers" ]; then
    SUMMARY+=("FAIL  $label  the tests left files in the temporary folder: $leftovers")
  fi
  rm -f "$log"
}

if command -v dpkg-query >/dev/null 2>&1; then
  install_debian_packages || { echo "could not install the Debian framework packages"; FAILED=1; }
fi

PYENV_ROOT=${PYENV_ROOT:-$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")}
for minor in 3.8 3.9 3.10 3.11 3.12 3.13; do
  for dir in "$PYENV_ROOT"/versions/"$minor".*; do
    [ -x "$dir/bin/python" ] || continue
    run_suite "pyenv $(basename "$dir")" "$dir/bin/python"
  done
done

if [ -x /usr/bin/python3 ]; then
  run_suite "debian $(/usr/bin/python3 -c 'import platform; print(platform.python_version())') + frameworks" \
    /usr/bin/python3 REQUEST_PROFILER_REQUIRE_FRAMEWORKS=1
fi

echo
echo "Python middleware tests:"
printf '  %s\n' "${SUMMARY[@]}"
exit $FAILED
