#!/usr/bin/env bash
# pyright, strict, on the Python middleware (python/request_profiler; settings in
# python/pyproject.toml, [tool.pyright]). Twice: as Python 3.8, the oldest version
# supported, so that newer syntax and library calls are errors; and as 3.13, since the
# 3.12+ code (sys.monitoring, the thread confinement) is unreachable, so unchecked, as 3.8.
# Uses the pyright of node_modules (a devDependency); never installs anything.
set -uo pipefail
cd "$(dirname "$0")/.."

status=0
for version in 3.8 3.13; do
  echo "== pyright --pythonversion $version (strict, python/request_profiler)"
  npx --no-install pyright -p python --pythonversion "$version" || status=1
done
exit $status
