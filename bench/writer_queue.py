#!/usr/bin/env python3
"""Profiles dropped by the writer queue under load: gunicorn (Debian's, sync workers)
serving the demo app through ProfilerMiddleware, hit at a fixed request rate by an
open-loop load generator (processes x threads, each on its own schedule) for a fixed
time, once per queue_size given, in one run so the figures sit side by side.

For each queue_size: requests answered, the achieved rate, profiles written (files in
the directory), dropped (answered - written, and what the workers' exit log lines say),
the drop rate, and the workers' peak memory (VmHWM, the largest worker).

    python3 bench/writer_queue.py [--rate 700] [--seconds 10] [--workers 4]
                                  [--queue-sizes 64,256,1024] [--path /] [--python /usr/bin/python3]
                                  [--package-root DIR [--package-root DIR2 ...]] [--settle 60]
"""

import argparse
import json
import multiprocessing
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from typing import Dict, List, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

APP_MODULE = textwrap.dedent("""
    import json, os, sys
    sys.path.insert(0, %(package_root)r)
    sys.path.insert(0, os.path.join(%(root)r, "demo"))
    # Before the demo app, which puts this checkout's package first on sys.path.
    import request_profiler
    from request_profiler import ProfilerMiddleware
    assert request_profiler.__file__.startswith(%(package_root)r), request_profiler.__file__
    import app as demo
    application = ProfilerMiddleware(demo.build_app(), **json.loads(os.environ["RP_BENCH_OPTIONS"]))
""")

DROP_LINE = re.compile(r"request_profiler: (\d+) of (\d+) profiles? (?:were )?dropped")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
            s.sendall(("GET %s HTTP/1.0\r\nHost: bench\r\n\r\n" % path).encode())
            first = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                if not first:
                    first = chunk
        return first.startswith(b"HTTP/1.") and first[9:12] == b"200"
    except OSError:
        return False


def load_process(port: int, path: str, rate: float, seconds: float, threads: int, start_at: float,
                 results: "multiprocessing.Queue[Tuple[int, int]]") -> None:
    """Each thread sends at its own fixed schedule (rate / threads a second); a thread
    that falls behind sends at once until it is back on schedule."""
    counts = [0, 0]
    lock = threading.Lock()
    interval = threads / rate

    def run(offset: float) -> None:
        ok = failed = 0
        n = 0
        while True:
            due = start_at + offset + n * interval
            if due - start_at >= seconds:
                break
            delay = due - time.time()
            if delay > 0:
                time.sleep(delay)
            if get(port, path):
                ok += 1
            else:
                failed += 1
            n += 1
        with lock:
            counts[0] += ok
            counts[1] += failed

    workers = [threading.Thread(target=run, args=(i * interval / threads,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    results.put((counts[0], counts[1]))


def worker_pids(master: int) -> List[int]:
    try:
        with open("/proc/%d/task/%d/children" % (master, master)) as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def peak_kib(pid: int) -> int:
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_one(args: argparse.Namespace, package_root: str, queue_size: int, parent: str) -> Dict[str, object]:
    profile_dir = tempfile.mkdtemp(prefix="profiles-%d-" % queue_size, dir=parent)
    app_dir = os.path.join(parent, "app")
    os.makedirs(app_dir, exist_ok=True)
    with open(os.path.join(app_dir, "bench_app.py"), "w") as f:
        f.write(APP_MODULE % {"root": ROOT, "package_root": package_root})
    options = {"profile_dir": profile_dir, "keep_max_files": 0, "keep_max_mb": 0, "queue_size": queue_size}
    env = dict(os.environ, RP_BENCH_OPTIONS=json.dumps(options))
    port = free_port()
    log_path = profile_dir + ".log"
    with open(log_path, "w") as log:
        server = subprocess.Popen([args.python, "-m", "gunicorn", "-w", str(args.workers), "-k", "sync",
                                   "-b", "127.0.0.1:%d" % port, "--chdir", app_dir, "--graceful-timeout", "120",
                                   "bench_app:application"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 60
        while not get(port, "/api/users/1"):
            if time.time() > deadline or server.poll() is not None:
                raise SystemExit("gunicorn did not start; see %s" % log_path)
            time.sleep(0.2)
        time.sleep(1.0)
        for name in os.listdir(profile_dir):  # the warm-up requests' profiles
            os.unlink(os.path.join(profile_dir, name))
        results: "multiprocessing.Queue[Tuple[int, int]]" = multiprocessing.Queue()
        start_at = time.time() + 0.5
        loaders = [multiprocessing.Process(target=load_process,
                                           args=(port, args.path, args.rate / args.processes, args.seconds,
                                                 args.threads, start_at, results))
                   for _ in range(args.processes)]
        for p in loaders:
            p.start()
        answered = failed = 0
        for _ in loaders:
            ok, bad = results.get()
            answered += ok
            failed += bad
        for p in loaders:
            p.join()
        elapsed = time.time() - start_at
        # As a server does after a burst: keep running while the writers catch up (until
        # no profile has been added for 3 s, at most --settle seconds), then stop.
        settle_until = time.time() + args.settle
        last, still = -1, 0
        while time.time() < settle_until and still < 3:
            count = len(os.listdir(profile_dir))
            still = still + 1 if count == last else 0
            last = count
            time.sleep(1.0)
        peak = max([peak_kib(pid) for pid in worker_pids(server.pid)] or [0])
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(180)
    written = len([n for n in os.listdir(profile_dir) if n.endswith(".rprof.json") and not n.startswith(".")])
    with open(log_path) as f:
        log_text = f.read()
    said = [(int(a), int(b)) for a, b in DROP_LINE.findall(log_text)]
    return {"queue_size": queue_size, "answered": answered, "failed": failed, "rate": answered / elapsed,
            "written": written, "dropped": answered - written, "drop_pct": 100.0 * (answered - written) / max(answered, 1),
            "logged": "%d of %d" % (sum(a for a, _ in said), sum(b for _, b in said)) if said else "-",
            "peak_mib": peak / 1024.0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=700.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--queue-sizes", default="64,256,1024")
    parser.add_argument("--path", default="/")
    parser.add_argument("--settle", type=float, default=60.0,
                        help="seconds the server may keep running after the load for the writers to catch up "
                             "(0: stop at once, so what is still queued meets the 5 s exit flush)")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--python", default="/usr/bin/python3")
    parser.add_argument("--package-root", action="append",
                        help="a directory holding the request_profiler package to measure (e.g. an export of "
                             "another commit: git archive main python | tar -x -C /tmp/main); repeat to compare "
                             "side by side; default: this checkout's")
    args = parser.parse_args()
    args.package_root = args.package_root or [os.path.join(ROOT, "python")]
    version = subprocess.run([args.python, "-c", "import platform, gunicorn; print(platform.python_version(), "
                              "gunicorn.__version__)"], capture_output=True, text=True).stdout.split()
    print("python %s, gunicorn %s, %d sync workers, %s at %.0f/s for %.0f s (%d x %d client threads), "
          "settle %.0f s; "
          "%d CPUs, load average %.1f" % (version[0], version[1], args.workers, args.path, args.rate, args.seconds,
                                          args.processes, args.threads, args.settle, os.cpu_count() or 0, os.getloadavg()[0]))
    print("%-28s %10s %9s %7s %8s %8s %8s %7s %14s %9s" % ("package", "queue_size", "answered", "failed", "req/s", "written",
                                                    "dropped", "drop%", "exit log says", "peak MiB"))
    parent = tempfile.mkdtemp(prefix="rp-bench-queue-")
    try:
        for package_root, size in [(root, int(s)) for root in args.package_root for s in args.queue_sizes.split(",")]:
            r = run_one(args, package_root, size, parent)
            print("%-28s %10d %9d %7d %8.0f %8d %8d %6.1f%% %14s %9.1f" % (
                package_root[-28:], r["queue_size"], r["answered"], r["failed"], r["rate"], r["written"], r["dropped"], r["drop_pct"],
                r["logged"], r["peak_mib"]), flush=True)
    finally:
        shutil.rmtree(parent, True)
    print("load average after: %.1f" % os.getloadavg()[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
