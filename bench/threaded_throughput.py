#!/usr/bin/env python3
"""Throughput of the demo app on a threaded server (wsgiref + ThreadingMixIn) under
many concurrent clients, bare and through ProfilerMiddleware, for several Python
versions and middleware copies side by side in one run.

Why: on Python 3.12+ one cProfile profiler records every thread, so the middleware
lets one request record at a time (recording/gate.py); concurrent requests wait for it. This
shows what that costs a busy server: requests per second of the middleware against
the bare app per interpreter, and against the same middleware on the first
interpreter listed (3.11, where threads profile independently).

Each run starts a fresh server process per variant and warms them up; then, in
`--rounds` rounds, each server in shuffled order gets a burst: `--clients` client
threads in this process each send `--requests` requests over HTTP (a new
connection each, as wsgiref is HTTP/1.0) from a mix of the demo's routes, the
streaming one among them. Short interleaved bursts make the drifts of a shared
machine hit all variants alike; several runs give the spread. Prints requests/s
per variant and run, the medians, the ratios, and checks that every profile was
written.

    python3 bench/threaded_throughput.py [--runs 3] [--rounds 10] [--clients 16] [--requests 4]
        [--wait-ms 0] [--python /path/python3.11 --python /path/python3.12 ...]
        [--package after=python --package before=/tmp/gate-before/python]

--package NAME=DIR: a directory holding the request_profiler package (the repo's
python/ by default); several compare copies of the middleware, e.g. before and
after a change (`git archive main python | tar -x -C /tmp/gate-before`).
"""

import argparse
import glob
import http.client
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from typing import Dict, List, Tuple

from bench_server import ROOT, SERVER_PRELUDE, ServerProcess

SERVER = SERVER_PRELUDE + textwrap.dedent("""
    import time
    from bench_server import import_package, serve_until_told
    demo = import_package(sys.argv[1], sys.argv[2])
    from request_profiler import ProfilerMiddleware

    variant, profile_dir, wait_s = sys.argv[3], sys.argv[4], float(sys.argv[5]) / 1000.0
    app = demo_app = demo.build_app()
    if wait_s:
        def upstream_call():
            time.sleep(wait_s)  # a query to a database server, a call to another service

        def app(environ, start_response):
            upstream_call()
            return demo_app(environ, start_response)
    middleware = None
    if variant == "middleware":
        app = middleware = ProfilerMiddleware(app, profile_dir=profile_dir, keep_max_files=0, keep_max_mb=0,
                                              queue_size=100000)
    serve_until_told(app, middleware)
""")

# The demo's routes: an HTML page from SQLite and a template, JSON details, a
# streaming CSV (five chunks, each computed), a 404 JSON; no error route (its
# traceback printing would dominate).
PATHS = ["/", "/api/users/7", "/stream", "/api/users/42", "/", "/api/users/99999", "/api/users/150"]
VARIANTS = ("bare", "middleware")


def request(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def hammer(port: int, clients: int, requests_each: int, offset: int) -> Tuple[float, int]:
    """Seconds for `clients` threads to send `requests_each` requests each; and how
    many answers were not the expected status."""
    wrong = [0]
    go = threading.Event()

    def client(c: int) -> None:
        go.wait()
        for i in range(requests_each):
            path = PATHS[(offset + c + i) % len(PATHS)]
            if request(port, path) != (404 if path.endswith("99999") else 200):
                wrong[0] += 1

    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    for t in threads:
        t.start()
    started = time.perf_counter()
    go.set()
    for t in threads:
        t.join()
    return time.perf_counter() - started, wrong[0]


class Server(ServerProcess):
    """One server process of one variant, fed in bursts; counts its requests and time."""

    def __init__(self, python: str, package: str, variant: str, profile_dir: str, wait_ms: float) -> None:
        super().__init__(python, SERVER, variant, package, variant, profile_dir, str(wait_ms))
        self.variant = variant
        self.requests = 0
        self.seconds = 0.0

    def burst(self, clients: int, requests_each: int, offset: int, counted: bool = True) -> None:
        seconds, wrong = hammer(self.port, clients, requests_each, offset)
        if wrong:
            raise RuntimeError("%d wrong answers from the %s server" % (wrong, self.variant))
        if counted:
            self.requests += clients * requests_each
            self.seconds += seconds


def version_of(python: str) -> str:
    return subprocess.run([python, "-c", "import platform; print(platform.python_version())"],
                          stdout=subprocess.PIPE, check=True).stdout.decode().strip()


def default_pythons() -> List[str]:
    root = subprocess.run(["pyenv", "root"], stdout=subprocess.PIPE).stdout.decode().strip() if shutil.which("pyenv") else ""
    found = []
    for minor in ("3.11", "3.12", "3.13"):
        candidates = sorted(glob.glob(os.path.join(root, "versions", minor + ".*", "bin", "python"))) if root else []
        if candidates:
            found.append(candidates[-1])
    return found or [sys.executable]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=10, help="bursts per server and run")
    parser.add_argument("--requests", type=int, default=4, help="requests per client in each burst")
    parser.add_argument("--warmup", type=int, default=3, help="warm-up requests per client")
    parser.add_argument("--wait-ms", type=float, default=0.0,
                        help="each request also waits this long, without CPU (a database or upstream call)")
    parser.add_argument("--python", action="append", help="interpreter (repeatable; default pyenv's 3.11, 3.12, 3.13)")
    parser.add_argument("--package", action="append", metavar="NAME=DIR",
                        help="a copy of the middleware (repeatable; default this repo's python/)")
    args = parser.parse_args()
    pythons = args.python or default_pythons()
    packages = [tuple(p.split("=", 1)) for p in (args.package or ["this=" + os.path.join(ROOT, "python")])]
    versions = {python: version_of(python) for python in pythons}

    # bare runs once per interpreter: the package does not matter to it.
    keys = [(python, "-", "bare") for python in pythons]
    keys += [(python, name, "middleware") for python in pythons for name, _ in packages]
    directories = dict(packages)
    work = tempfile.mkdtemp(prefix="rp-throughput-")
    results: Dict[Tuple[str, str, str], List[float]] = {key: [] for key in keys}
    written = expected = 0
    print("demo app, threaded wsgiref, %d clients; per run: fresh servers, then %d rounds of a burst of %d requests "
          "per client to each server in shuffled order; %d runs, %g ms wait per request"
          % (args.clients, args.rounds, args.requests, args.runs, args.wait_ms))
    print("packages: %s" % "; ".join("%s=%s" % p for p in packages))
    try:
        for run in range(1, args.runs + 1):
            servers = {}
            try:
                for n, (python, name, variant) in enumerate(keys):
                    servers[(python, name, variant)] = Server(python, directories.get(name, packages[0][1]), variant,
                                                              os.path.join(work, "r%d-%d" % (run, n)), args.wait_ms)
                for server in servers.values():
                    server.burst(args.clients, args.warmup, run, counted=False)
                order = list(keys)
                shuffle = random.Random(run).shuffle
                for round_ in range(args.rounds):
                    shuffle(order)
                    for key in order:
                        servers[key].burst(args.clients, args.requests, run + round_)
            finally:
                reports = {key: server.stop() for key, server in servers.items()}
            line = []
            for key in keys:
                server = servers[key]
                results[key].append(server.requests / server.seconds)
                if key[2] == "middleware":
                    expected += server.requests + args.clients * args.warmup
                    written += int(reports[key].split()[0].split("=")[1])
                line.append("%s %s %.1f" % (versions[key[0]], key[1] if key[2] == "middleware" else "bare",
                                            results[key][-1]))
            print("run %d req/s: %s" % (run, "; ".join(line)), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def median(key: Tuple[str, str, str]) -> float:
        return statistics.median(results[key])

    def ratio(top: Tuple[str, str, str], bottom: Tuple[str, str, str]) -> str:
        """Median over the runs of the runs' own ratios (the variants of one run share the
        machine's state; runs apart may not), with their range."""
        per_run = [a / b for a, b in zip(results[top], results[bottom])]
        return "%5.2fx (%4.2f-%4.2f)" % (statistics.median(per_run), min(per_run), max(per_run))

    print()
    print("requests/s: median (runs' range); ratios: median of the runs' own ratios (range); "
          "'/%s': against the same package on Python %s" % (versions[pythons[0]], versions[pythons[0]]))
    for python in pythons:
        bare = (python, "-", "bare")
        line = "Python %-7s bare %6.1f (%3.0f-%3.0f)" % (versions[python], median(bare), min(results[bare]),
                                                       max(results[bare]))
        for name, _ in packages:
            key = (python, name, "middleware")
            line += " | %s %6.1f, /bare %s, /%s %s" % (name, median(key), ratio(key, bare), versions[pythons[0]],
                                                      ratio(key, (pythons[0], name, "middleware")))
        print(line)
    if len(packages) > 1:
        base = packages[-1][0]
        for name, _ in packages[:-1]:
            print("%s / %s, middleware requests/s: %s" % (name, base, "; ".join(
                "Python %s %s" % (versions[p], ratio((p, name, "middleware"), (p, base, "middleware")))
                for p in pythons)))
    print("profiles written: %d of %d" % (written, expected))
    return 0 if written == expected else 1


if __name__ == "__main__":
    sys.exit(main())
