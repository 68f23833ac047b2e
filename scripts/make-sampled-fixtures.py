#!/usr/bin/env python3
"""Regenerate test/fixtures/sampled/: real profiles of the sampling engine (engine="sample").

Kept apart from test/fixtures/profiles (cProfile's, scripts/make-fixtures.py, whose helpers this
reuses: the environs, the driving, the neutral paths), so that tests over every cProfile
fixture stay as they are. Two requests:

- WSGI: the demo app's GET /slow (primes, then a recursive fibonacci: a function recurring on
  its own stack);
- ASGI: a handler whose checksum() is reached from two places that spend it differently, and
  which awaits a 30 ms sleep (awaiting stacks).

The samples differ on every run; the tests on these files check what holds of any run.

    python3 scripts/make-sampled-fixtures.py    # Python 3.11+ records qualnames
"""

import asyncio
import importlib.util
import json
import os
import shutil
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_spec = importlib.util.spec_from_file_location("make_fixtures", os.path.join(ROOT, "scripts", "make-fixtures.py"))
fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixtures)  # type: ignore[union-attr]

from request_profiler import ASGIProfilerMiddleware, ProfilerMiddleware  # noqa: E402

OUT = os.path.join(ROOT, "test", "fixtures", "sampled")


def checksum(rounds):
    return sum(i * i % 7 for i in range(rounds))


def summary():
    return checksum(60000)


async def lookup():
    await asyncio.sleep(0.03)
    return checksum(240000)


async def asgi_app(scope, receive, send):
    await receive()
    payload = json.dumps({"lookup": await lookup(), "summary": summary()}).encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})


def record(directory):
    wsgi = ProfilerMiddleware(fixtures.demo.build_app(), profile_dir=directory, write_prof=False, engine="sample")
    fixtures.drive(wsgi, fixtures.environ_for("/slow"))
    wsgi.writer.flush(30)
    asgi = ASGIProfilerMiddleware(asgi_app, profile_dir=directory, engine="sample")
    fixtures.drive_asgi(asgi, "/async/checksum")
    asgi.writer.flush(30)


def main():
    work = tempfile.mkdtemp(prefix="rp-sampled-fixtures-")
    try:
        record(work)
        names = sorted(n for n in os.listdir(work) if n.endswith(".rprof.json"))
        if os.path.isdir(OUT):
            shutil.rmtree(OUT)
        os.makedirs(OUT)
        for name in names:
            with open(os.path.join(work, name), encoding="utf-8") as f:
                text = fixtures.neutral(f.read())
            with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
                f.write(text)
            os.chmod(os.path.join(OUT, name), 0o644)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    lines = ["# Sampled profile fixtures", "",
             "Real profiles of the sampling engine (`python3 scripts/make-sampled-fixtures.py`, Python %s):"
             % sys.version.split()[0],
             "GET /slow of the demo app (WSGI: primes, then a recursive fibonacci) and GET /async/checksum",
             "(ASGI: checksum() reached from lookup() and from summary(), a 30 ms await). Paths rewritten",
             "as in test/fixtures/profiles. The samples differ on every run.", ""]
    lines += ["- `%s`" % n for n in names]
    with open(os.path.join(OUT, "README.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print("%d profiles in %s" % (len(names), OUT))


if __name__ == "__main__":
    main()
