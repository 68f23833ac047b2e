#!/usr/bin/env python3
"""Request latency of the demo app (routing, a string.Template page, SQLite
queries, JSON) served three ways, side by side:

  bare        the app alone
  cprofile    cProfile alone: enable, run the app and its body, disable,
              create_stats(), nothing written
  middleware  request_profiler.ProfilerMiddleware writing every profile (+ .dot)

Each variant runs in its own server process (wsgiref, threaded) and is measured
by a client in this process over HTTP, one request at a time, alternating
between the variants (in shuffled order) in rounds so that drifts of a shared
machine hit all three alike. A run starts fresh server processes (a process's
memory layout can make it faster or slower for its whole life, by as much as what
is measured; docs/measurements.md);
several runs give the spread. Prints median and p90 per variant and run, the
middleware's median ratio to cProfile alone per run and over all runs (target:
median within 1.05x), and checks that every profile was written.

    python3 bench/middleware_overhead.py [--runs 5] [--requests 1000] [--python /path/to/python]
                                         [--profile-dir-parent DIR] [--unconfined]
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

from bench_server import SERVER_PRELUDE, ServerProcess

SERVER = SERVER_PRELUDE + textwrap.dedent("""
    import cProfile
    from bench_server import import_package, serve_until_told
    demo = import_package(sys.argv[1], os.path.join(sys.argv[1], "python"))
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
    elif variant in ("middleware", "unconfined"):
        # unconfined: the same, with confine_threads off (3.12+: other threads' work may
        # appear in its profiles), to show what confinement costs.
        app = middleware = ProfilerMiddleware(app, profile_dir=profile_dir + ("-" + variant if variant == "unconfined" else ""),
                                              keep_max_files=0, keep_max_mb=0, queue_size=100000,
                                              confine_threads=variant == "middleware")
    serve_until_told(app, middleware, flush_s=120)
""")

PATHS = ["/", "/api/users/7", "/api/users/42", "/", "/api/users/150"]
VARIANTS = ("bare", "cprofile", "middleware")


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


def file_creation_us(directory: str, count: int = 20) -> float:
    """CPU time to create one new file in directory (kept until all are made, as
    profiles are): what each profile's files cost the writer thread, off the request
    path but on the machine's cores."""
    names = [os.path.join(directory, ".bench-probe-%d.tmp" % i) for i in range(count)]
    started = time.thread_time()
    for name in names:
        os.close(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    elapsed = time.thread_time() - started
    for name in names:
        os.unlink(name)
    return elapsed / count * 1e6


def measure_run(python: str, variants: List[str], requests: int, warmup: int, work: str, run: int) -> "tuple[Dict[str, List[float]], int, str]":
    """One run: fresh servers, warm-up, `requests` interleaved rounds. Returns the
    timings per variant, the number of profiles written and the writer's report."""
    profile_dir = os.path.join(work, "profiles-%d" % run)
    servers: Dict[str, ServerProcess] = {}
    try:
        for v in variants:
            servers[v] = ServerProcess(python, SERVER, v, v, profile_dir)
        ports = {v: servers[v].port for v in variants}
        for i in range(warmup):
            for v in variants:
                request_ms(ports[v], PATHS[i % len(PATHS)])
        timings: Dict[str, List[float]] = {v: [] for v in variants}
        order = list(variants)
        shuffle = random.Random(1234 + run).shuffle
        for i in range(requests):
            shuffle(order)  # no variant always goes first after the client's pause
            for v in order:
                timings[v].append(request_ms(ports[v], PATHS[i % len(PATHS)]))
        reports = {v: servers[v].stop(300) for v in variants}
        written = len([n for n in os.listdir(profile_dir) if n.endswith(".rprof.json")])
    finally:
        for server in servers.values():
            server.kill()
    return timings, written, reports["middleware"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs, each with fresh server processes")
    parser.add_argument("--requests", type=int, default=1000,
                        help="measured requests per variant and run (fewer: quicker, and noisier)")
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--python", default=sys.executable, help="interpreter that runs the servers")
    parser.add_argument("--profile-dir-parent", default=None,
                        help="where the middleware's profiles go (default: the system's temporary directory)")
    parser.add_argument("--unconfined", action="store_true",
                        help="also measure the middleware with confine_threads off (what confinement costs on 3.12+)")
    args = parser.parse_args()
    variants = list(VARIANTS) + (["unconfined"] if args.unconfined else [])

    work = tempfile.mkdtemp(prefix="rp-bench-", dir=args.profile_dir_parent)
    version = subprocess.run([args.python, "-c", "import platform; print(platform.python_version())"],
                             stdout=subprocess.PIPE).stdout.decode().strip()
    print("demo app over HTTP (wsgiref), Python %s: %d runs of %d requests per variant (after %d warm-up)"
          % (version, args.runs, args.requests, args.warmup))
    print("profiles in %s; creating a file there costs %.0f us of CPU" % (work, file_creation_us(work)))
    print("%-4s %s %8s" % ("run", " ".join("%10s %10s" % (v, "p90") for v in variants), "ratio")
          + ("  unconfined ratio" if args.unconfined else ""))
    pooled: Dict[str, List[float]] = {v: [] for v in variants}
    ratios: List[float] = []
    unconfined_ratios: List[float] = []
    written_total = 0
    reports: List[str] = []
    try:
        for run in range(1, args.runs + 1):
            timings, written, report = measure_run(args.python, variants, args.requests, args.warmup, work, run)
            written_total += written
            reports.append(report)
            ratio = statistics.median(timings["middleware"]) / statistics.median(timings["cprofile"])
            ratios.append(ratio)
            extra = ""
            if args.unconfined:
                unconfined_ratios.append(statistics.median(timings["unconfined"]) / statistics.median(timings["cprofile"]))
                extra = "  %8.3fx" % unconfined_ratios[-1]
            print("%-4d %s %8.3fx%s" % (run, " ".join("%10.3f %10.3f" % (statistics.median(timings[v]), p90(timings[v]))
                                                      for v in variants), ratio, extra), flush=True)
            for v in variants:
                pooled[v].extend(timings[v])
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print("%-4s %s %8.3fx" % ("all", " ".join("%10.3f %10.3f" % (statistics.median(pooled[v]), p90(pooled[v]))
                                             for v in variants),
                              statistics.median(pooled["middleware"]) / statistics.median(pooled["cprofile"])))
    print("middleware / cprofile, median latency: %.3fx over the runs' ratios (runs %.3f-%.3f); "
          "p90 %.3fx over all requests (target: median <= 1.05x)"
          % (statistics.median(ratios), min(ratios), max(ratios), p90(pooled["middleware"]) / p90(pooled["cprofile"])))
    if args.unconfined:
        print("unconfined / cprofile, median latency: %.3fx over the runs' ratios (runs %.3f-%.3f)"
              % (statistics.median(unconfined_ratios), min(unconfined_ratios), max(unconfined_ratios)))
    expected = args.runs * (args.requests + args.warmup)
    print("profiles written: %d of %d (%s)" % (written_total, expected, "; ".join(sorted(set(reports)))))
    return 0 if written_total == expected else 1


if __name__ == "__main__":
    sys.exit(main())
