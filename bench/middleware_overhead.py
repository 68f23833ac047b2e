#!/usr/bin/env python3
"""Request latency of the demo app (routing, a string.Template page, SQLite
queries, JSON) served three ways, in one run:

  bare        the app alone
  cprofile    cProfile alone: enable, run the app and its body, disable,
              create_stats(), nothing written
  middleware  request_profiler.ProfilerMiddleware writing every profile (+ .dot)

Each variant runs in its own server process (wsgiref, threaded) and is measured
by a client in this process over HTTP, one request at a time, alternating
between the variants (in shuffled order) in rounds so that drifts of a shared machine hit all three
alike. Prints median and p90 per variant and the middleware's ratio to cProfile
alone (target: median within 1.05x), and checks that every profile was written.

    python3 bench/middleware_overhead.py [--requests 2000] [--python /path/to/python]
"""

import argparse
import http.client
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from typing import Dict, List

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SERVER = textwrap.dedent("""
    import cProfile, os, sys, threading
    sys.path.insert(0, os.path.join(sys.argv[1], "python"))
    sys.path.insert(0, os.path.join(sys.argv[1], "demo"))
    import app as demo
    from request_profiler import ProfilerMiddleware

    variant, profile_dir = sys.argv[2], sys.argv[3]
    app = demo.build_app()
    middleware = None
    if variant == "cprofile":
        inner = app
        def app(environ, start_response):
            profiler = cProfile.Profile()
            profiler.enable()
            result = inner(environ, start_response)
            try:
                body = list(result)
            finally:
                close = getattr(result, "close", None)
                if close:
                    close()
                profiler.disable()
            profiler.create_stats()
            return body
    elif variant == "middleware":
        app = middleware = ProfilerMiddleware(app, profile_dir=profile_dir, keep_max_files=0, keep_max_mb=0,
                                              queue_size=100000)
    server = demo.serve(app, 0, quiet=True)
    print(server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.readline()
    server.shutdown()
    if middleware is not None:
        middleware.writer.flush(120)
        print("written=%d dropped=%d failed=%d" % (middleware.writer.written, middleware.writer.dropped,
                                                  middleware.writer.failed), flush=True)
    else:
        print("written=0 dropped=0 failed=0", flush=True)
""")

PATHS = ["/", "/api/users/7", "/api/users/42", "/", "/api/users/150"]
VARIANTS = ("bare", "cprofile", "middleware")


def start(python: str, variant: str, profile_dir: str) -> subprocess.Popen:
    return subprocess.Popen([python, "-c", SERVER, ROOT, variant, profile_dir],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def request_ms(port: int, path: str) -> float:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    connection.close()
    elapsed = (time.perf_counter() - started) * 1000.0
    if response.status != 200:
        raise RuntimeError("%s answered %d" % (path, response.status))
    return elapsed


def p90(values: List[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000,
                        help="measured requests per variant (fewer: quicker, and noisier by a few points)")
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--python", default=sys.executable, help="interpreter that runs the servers")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="rp-bench-")
    profile_dir = os.path.join(work, "profiles")
    servers = {v: start(args.python, v, profile_dir) for v in VARIANTS}
    try:
        ports = {v: int(servers[v].stdout.readline()) for v in VARIANTS}
        for i in range(args.warmup):
            for v in VARIANTS:
                request_ms(ports[v], PATHS[i % len(PATHS)])
        timings: Dict[str, List[float]] = {v: [] for v in VARIANTS}
        order = list(VARIANTS)
        shuffle = random.Random(1234).shuffle
        for i in range(args.requests):
            shuffle(order)  # no variant always goes first after the client's pause
            for v in order:
                timings[v].append(request_ms(ports[v], PATHS[i % len(PATHS)]))
        reports = {v: servers[v].communicate(b"\n", timeout=300)[0].decode().strip() for v in VARIANTS}
        written = len([n for n in os.listdir(profile_dir) if n.endswith(".rprof.json")])
    finally:
        for process in servers.values():
            if process.poll() is None:
                process.kill()
        shutil.rmtree(work, ignore_errors=True)

    version = subprocess.run([args.python, "-c", "import platform; print(platform.python_version())"],
                             stdout=subprocess.PIPE).stdout.decode().strip()
    print("demo app over HTTP (wsgiref), Python %s, %d requests per variant after %d warm-up"
          % (version, args.requests, args.warmup))
    print("%-11s %10s %10s" % ("variant", "median ms", "p90 ms"))
    for v in VARIANTS:
        print("%-11s %10.3f %10.3f" % (v, statistics.median(timings[v]), p90(timings[v])))
    ratio = statistics.median(timings["middleware"]) / statistics.median(timings["cprofile"])
    ratio90 = p90(timings["middleware"]) / p90(timings["cprofile"])
    print("middleware / cprofile: median %.3fx, p90 %.3fx (target: median <= 1.05x)" % (ratio, ratio90))
    # The same ratio in five consecutive blocks of rounds: how much of a difference between
    # two runs is the machine's drift rather than the code.
    size = max(1, args.requests // 5)
    blocks = [statistics.median(timings["middleware"][i:i + size]) / statistics.median(timings["cprofile"][i:i + size])
              for i in range(0, size * 5, size) if timings["middleware"][i:i + size]]
    print("  by block of %d rounds: %s" % (size, " ".join("%.3f" % b for b in blocks)))
    expected = args.requests + args.warmup
    print("profiles written: %d of %d (%s)" % (written, expected, reports["middleware"].splitlines()[-1]))
    return 0 if written == expected else 1


if __name__ == "__main__":
    sys.exit(main())
