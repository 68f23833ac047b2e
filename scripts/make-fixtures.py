#!/usr/bin/env python3
"""Regenerate test/fixtures/profiles/: real profiles written by the middleware.

Runs the standard-library demo app (demo/app.py) and a raw ASGI app in-process
through the middlewares, with small deterministic WSGI environs / ASGI scopes (a
real server would copy the whole OS environment into each environ, and we do not
want this machine's environment in the repository). Then adds two broken files.
The roles of the files are listed in test/fixtures/profiles/README.md, which this
script rewrites.

    python3 scripts/make-fixtures.py            # Python 3.11+ records qualnames
"""

import asyncio
import json
import os
import re
import shutil
import sys
import tempfile
import threading
from wsgiref.util import setup_testing_defaults

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))
sys.path.insert(0, os.path.join(ROOT, "demo"))

import app as demo  # noqa: E402
from request_profiler import ProfilerMiddleware  # noqa: E402
from request_profiler.recording.gate import ProfilingGate  # noqa: E402

OUT = os.path.join(ROOT, "test", "fixtures", "profiles")

# The fixtures record where the app and the interpreter were on the machine that made them.
# Tests must not depend on that machine, so the recorded paths are rewritten to neutral ones,
# as if the app had run in a container: the repository as /srv/app, the interpreter's prefix
# as /usr/local, the home folder as /home/app. Longest first, so that a path under two of
# them takes the more specific one.
NEUTRAL_PATHS = sorted([(ROOT, "/srv/app"), (sys.base_prefix, "/usr/local"), (sys.prefix, "/usr/local"),
                        (os.path.expanduser("~"), "/home/app")], key=lambda pair: -len(pair[0]))


def neutral(text):
    """text (a profile's JSON or a .dot) with this machine's paths replaced (NEUTRAL_PATHS).
    Matched only as whole leading path segments inside strings: "/work/main" must not
    rewrite "/work/mainline"."""
    for real, replacement in NEUTRAL_PATHS:
        text = re.sub(r'(?<=")%s(?=[/"])' % re.escape(real), replacement, text)
    return text


def environ_for(path, **headers):
    environ = {"PATH_INFO": path, "REQUEST_METHOD": "GET", "QUERY_STRING": "",
               "REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": "make-fixtures"}
    setup_testing_defaults(environ)
    environ.update(headers)
    return environ


def drive(app, environ):
    """What a WSGI server does: call, iterate, always close; an exception is the server's 500."""
    try:
        result = app(environ, lambda status, headers, exc_info=None: (lambda data: None))
    except Exception:
        return
    try:
        for _ in result:
            pass
    except Exception:
        pass
    finally:
        close = getattr(result, "close", None)
        if close:
            close()


def drive_asgi(app, path, headers=()):
    """One GET of path through an ASGI app, as a server would call it; the response is dropped."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"testserver"), *headers, (b"user-agent", b"make-fixtures")],
             "client": ("127.0.0.1", 50000), "server": ("testserver", 80)}

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        pass

    asyncio.run(app(scope, receive, send))


def hostile_function():
    """A function whose name and file name are HTML: the viewer must escape them."""
    source = "def hostile():\n    return sum(i * i for i in range(20000))\n"
    namespace = {}
    exec(compile(source, "<img src=x onerror=alert(1)>.py", "exec"), namespace)
    function = namespace["hostile"]
    changes = {"co_name": "<script>alert(1)</script>"}
    if sys.version_info >= (3, 11):
        changes["co_qualname"] = "Evil.<script>alert(1)</script>"
    function.__code__ = function.__code__.replace(**changes)
    return function


def hostile_app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
    return [("<p>%d</p>" % HOSTILE()).encode()]


HOSTILE = hostile_function()


def wsgi_profiles(directory):
    middleware = ProfilerMiddleware(demo.build_app(), profile_dir=directory, write_prof=False)
    roles = {}

    def run(role, environ, target=middleware):
        before = set(os.listdir(directory)) if os.path.isdir(directory) else set()
        drive(target, environ)
        target.writer.flush(30)
        new = sorted(n for n in set(os.listdir(directory)) - before if n.endswith(".rprof.json"))
        roles[role] = new

    run("fast: GET /api/users/7, JSON from a SQLite query; Cookie and Authorization redacted; "
        "query has a redacted access_token", environ_for("/api/users/7", QUERY_STRING="fields=name&access_token=abc123",
                                                         HTTP_COOKIE="sessionid=s3cr3t",
                                                         HTTP_AUTHORIZATION="Bearer s3cr3t"))
    run("template: GET /, a string.Template page over a SQLite query", environ_for("/"))
    run("slow CPU-bound: GET /slow, primes_below/is_prime then a recursive fibonacci (cc 1, nc 21891)",
        environ_for("/slow"))
    run("raised: GET /error, RuntimeError before start_response (status null; the server sent 500)",
        environ_for("/error"))
    run("streaming: GET /stream, a generator body profiled chunk by chunk", environ_for("/stream"))
    hostile = ProfilerMiddleware(hostile_app, profile_dir=directory)
    run("hostile names: a function named <script>alert(1)</script> in file <img src=x onerror=alert(1)>.py",
        environ_for("/<b>bold</b>", QUERY_STRING="q=<script>alert(2)</script>"), hostile)

    # A request served unprofiled because another request held the profiler: force the
    # Python 3.12+ policy with a private gate held by another thread.
    busy_gate = ProfilingGate(one_per_process=True)
    skipping = ProfilerMiddleware(demo.build_app(), profile_dir=directory, max_wait_s=0.05)
    skipping.gate = busy_gate
    holding, done = threading.Event(), threading.Event()

    def hold():
        busy_gate.acquire(None)
        holding.set()
        done.wait(10)
        busy_gate.release()

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(10)
    drive(skipping, environ_for("/api/users/8"))
    done.set()
    holder.join()
    skipping.writer.flush(30)
    roles["skipped: GET /api/users/8 served unprofiled (profiled false, skipReason busy); no functions"] = sorted(
        n for n in os.listdir(directory) if n.endswith(".rprof.json") and "api_users_8" in n)
    return roles


def asgi_profiles(directory):
    try:
        from request_profiler import ASGIProfilerMiddleware
    except ImportError:
        return {}

    async def lookup(user_id):
        await asyncio.sleep(0.02)  # awaited: in wallMs, not in profiledMs
        return {"id": user_id, "total": sum(i * i for i in range(30000))}

    async def asgi_app(scope, receive, send):
        await receive()
        payload = json.dumps(await lookup(7)).encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]})
        await send({"type": "http.response.body", "body": payload})

    middleware = ASGIProfilerMiddleware(asgi_app, profile_dir=directory)
    drive_asgi(middleware, "/async/users/7", [(b"cookie", b"sessionid=s3cr3t")])
    middleware.writer.flush(30)
    names = sorted(n for n in os.listdir(directory) if n.endswith(".rprof.json") and "async" in n)
    return {"asgi: GET /async/users/7, awaits a 20 ms sleep (wallMs > profiledMs), notes explain": names}


def broken_files(directory, sample_name):
    with open(os.path.join(directory, sample_name), encoding="utf-8") as f:
        text = f.read()
    with open(os.path.join(directory, "broken-truncated.rprof.json"), "w", encoding="utf-8") as f:
        f.write(text[: len(text) // 2])
    with open(os.path.join(directory, "not-json.rprof.json"), "w", encoding="utf-8") as f:
        f.write("this is not a profile\n")
    return {"broken: the first half of the template profile (line 1 intact, rest cut)": ["broken-truncated.rprof.json"],
            "broken: not JSON at all": ["not-json.rprof.json"]}


def main():
    work = tempfile.mkdtemp(prefix="rp-fixtures-")
    try:
        roles = wsgi_profiles(work)
        roles.update(asgi_profiles(work))
        roles.update(broken_files(work, roles["template: GET /, a string.Template page over a SQLite query"][0]))
        if os.path.isdir(OUT):
            shutil.rmtree(OUT)
        shutil.copytree(work, OUT)
        for name in os.listdir(OUT):
            path = os.path.join(OUT, name)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            with open(path, "w", encoding="utf-8") as f:
                f.write(neutral(text))
            os.chmod(path, 0o644)  # 0600 is for real profiles, not for a git checkout
        os.chmod(OUT, 0o755)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    lines = ["# Profile fixtures", "",
             "Real profiles written by the middleware (`python3 scripts/make-fixtures.py`, Python %s), with their"
             % sys.version.split()[0],
             "`.dot` call graphs. Regenerating changes the file names (they start with the time).",
             "The paths of this machine are rewritten as if the app had run in a container: the repository",
             "as `/srv/app`, the interpreter as `/usr/local`, the home folder as `/home/app`.", ""]
    for role, names in roles.items():
        lines.append("- %s: %s" % (role, ", ".join("`%s`" % n for n in names)))
    with open(os.path.join(OUT, "README.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
    print("%d files, %.1f KB in %s" % (len(os.listdir(OUT)), total / 1024, OUT))


if __name__ == "__main__":
    main()
