#!/usr/bin/env python3
"""Regenerate test/fixtures/aggregate/pstats-merged.json: what pstats itself makes of four of
the real fixture profiles merged (Stats.add), for the extension's aggregate to be checked
against (test/unit/mergeProfiles.test.ts). Each profile goes through the middleware's own
`to-pstats` conversion, then pstats adds them up.

    python3 scripts/make-aggregate-fixture.py
"""

import json
import os
import pstats
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROFILES = os.path.join(ROOT, "test", "fixtures", "profiles")
OUT = os.path.join(ROOT, "test", "fixtures", "aggregate", "pstats-merged.json")
# Four requests of the demo app: they share its dispatch and helpers (added up) and each has
# functions of its own (kept). (GET-api_users_8 was served unprofiled: no pstats data.)
SOURCES = ["GET-api_users_7", "GET-root", "GET-slow", "GET-error"]


def source_files():
    names = sorted(n for n in os.listdir(PROFILES) if n.endswith(".rprof.json"))
    return [next(n for n in names if "-%s-" % s in n) for s in SOURCES]


def main():
    files = source_files()
    with tempfile.TemporaryDirectory() as tmp:
        converted = []
        for name in files:
            out = os.path.join(tmp, name + ".prof")
            subprocess.run([sys.executable, "-m", "request_profiler", "to-pstats", os.path.join(PROFILES, name), out],
                           check=True, env=dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python")))
            converted.append(out)
        stats = pstats.Stats(converted[0])
        for path in converted[1:]:
            stats.add(path)
    functions = []
    for (file, line, name), (cc, nc, tt, ct, callers) in sorted(stats.stats.items()):
        functions.append({"file": file, "line": line, "name": name, "cc": cc, "nc": nc, "tt": tt, "ct": ct,
                          # pstats' caller entries are (nc, cc, tt, ct)
                          "callers": [{"file": c[0], "line": c[1], "name": c[2], "nc": v[0], "cc": v[1], "tt": v[2], "ct": v[3]}
                                      for c, v in sorted(callers.items())]})
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump({"sources": files, "functions": functions}, f, indent=1)
        f.write("\n")
    print("wrote %s: %d functions from %d profiles" % (os.path.relpath(OUT, ROOT), len(functions), len(files)))


if __name__ == "__main__":
    main()
