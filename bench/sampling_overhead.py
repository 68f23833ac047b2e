#!/usr/bin/env python3
"""What the sampling engine costs a server, against the bare app and cProfile, side by
side in one run: median request latency, server CPU per request and requests per
second, for the demo app on a threaded wsgiref server and for an ASGI app on an asyncio
server, on several Python versions.

Each run starts a fresh server process per (interpreter, server kind, variant) and warms
them up; then, in `--rounds` rounds, each server in shuffled order gets a burst of
`--clients` client threads in this process, each sending `--requests` requests (a new
connection each). Short interleaved bursts make the drifts of a shared machine hit every
variant alike; several runs give the spread. Server CPU is the server process's user +
system time (/proc/PID/stat) over the bursts, so this bench runs on Linux.

    python3 bench/sampling_overhead.py [--runs 3] [--rounds 6] [--clients 16] [--requests 4]
        [--python /path/python3.12 ...] [--kinds wsgi,asgi] [--variants bare,cprofile,sample,sample-unwritten]

sample-unwritten samples every request but keeps no profile (min_duration_ms huge): the
sampler's own cost, without the writer thread's (building and writing one profile per
request), which the server's CPU includes for the other variants. A variant ending in
-switch5 (e.g. sample-unwritten-switch5) leaves the interpreter's switch interval at its
5 ms default instead of lowering it to the sampling interval while sampling.

Ratios are the median over the runs of each run's own ratio to the bare app (range in
brackets). Targets (issue #14): latency and CPU with the sampler <= 1.05x the bare app,
throughput within 10 % on 3.12.
"""

import argparse
import http.client
import os
import random
import shutil
import statistics
import sys
import tempfile
import textwrap
import threading
import time
from typing import Dict, List, Tuple

from bench_server import SERVER_PRELUDE, ServerProcess
from threaded_throughput import default_pythons, version_of

SERVER = SERVER_PRELUDE + textwrap.dedent("""
    import asyncio, threading
    from bench_server import import_package, serve_until_told
    demo = import_package(sys.argv[1], sys.argv[2])
    from request_profiler import ASGIProfilerMiddleware, ProfilerMiddleware

    kind, variant, profile_dir = sys.argv[3], sys.argv[4], sys.argv[5]
    options = dict(profile_dir=profile_dir, keep_max_files=0, keep_max_mb=0, queue_size=100000,
                   engine="cprofile" if variant == "cprofile" else "sample")
    if variant.startswith("sample-unwritten"):
        # Sampled, but no profile kept (none is that long): the sampler's cost without the writer's.
        options["min_duration_ms"] = 1e9
    if variant.endswith("-switch5"):
        # The interpreter's switch interval left at its 5 ms default while sampling.
        import request_profiler.sampling.sampler
        request_profiler.sampling.sampler.MIN_SWITCH_INTERVAL_S = 0.005

    def work():
        return sum(i * i for i in range(20000))

    async def asgi_app(scope, receive, send):
        # A handler that computes, awaits a 2 ms upstream call, computes again.
        total = work()
        await asyncio.sleep(0.002)
        total += work()
        body = str(total).encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    def serve_asgi(app, middleware):
        # A minimal HTTP/1.0 server on asyncio: enough for this bench's GET requests.
        async def handle(reader, writer):
            head = await reader.readuntil(b"\\r\\n\\r\\n")
            method, path, _ = head.split(b"\\r\\n", 1)[0].decode().split(" ", 2)
            scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.0", "method": method,
                     "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
                     "root_path": "", "headers": [], "client": ("127.0.0.1", 0), "server": ("127.0.0.1", 0)}

            async def receive():
                return {"type": "http.request", "body": b"", "more_body": False}

            async def send(message):
                if message["type"] == "http.response.start":
                    writer.write(b"HTTP/1.0 %d OK\\r\\n" % message["status"])
                    for name, value in message.get("headers", []):
                        writer.write(name + b": " + value + b"\\r\\n")
                    writer.write(b"\\r\\n")
                else:
                    writer.write(message.get("body", b""))
            await app(scope, receive, send)
            await writer.drain()
            writer.close()

        async def main():
            server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=128)
            print(server.sockets[0].getsockname()[1], flush=True)
            stop = asyncio.get_running_loop().create_future()
            threading.Thread(target=lambda: (sys.stdin.readline(), stop.get_loop().call_soon_threadsafe(
                stop.set_result, None)), daemon=True).start()
            await stop
            server.close()
        asyncio.run(main())
        if middleware is None:
            print("written=0 dropped=0 failed=0", flush=True)
            return
        middleware.writer.flush(300)
        print("written=%d dropped=%d failed=%d" % (middleware.writer.written, middleware.writer.dropped,
                                                  middleware.writer.failed), flush=True)

    if kind == "wsgi":
        app = demo.build_app()
        middleware = None if variant == "bare" else ProfilerMiddleware(app, **options)
        serve_until_told(middleware or app, middleware)
    else:
        middleware = None if variant == "bare" else ASGIProfilerMiddleware(asgi_app, **options)
        serve_asgi(middleware or asgi_app, middleware)
""")

# The demo's routes (as bench/threaded_throughput.py): HTML from SQLite, JSON, a streamed CSV.
WSGI_PATHS = ["/", "/api/users/7", "/stream", "/api/users/42", "/api/users/150"]
ASGI_PATHS = ["/compute"]


def request(port: int, path: str) -> float:
    began = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError("%s answered %d" % (path, response.status))
    finally:
        connection.close()
    return time.perf_counter() - began


def cpu_seconds(pid: int) -> float:
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server(ServerProcess):
    def __init__(self, python: str, kind: str, variant: str, profile_dir: str) -> None:
        package = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "python")
        super().__init__(python, SERVER, "%s %s" % (kind, variant), package, kind, variant, profile_dir)
        self.paths = WSGI_PATHS if kind == "wsgi" else ASGI_PATHS
        self.latencies: List[float] = []
        self.requests = 0
        self.seconds = 0.0
        self.cpu = 0.0

    def burst(self, clients: int, requests_each: int, offset: int, counted: bool = True) -> None:
        latencies: List[float] = []
        lock = threading.Lock()
        go = threading.Event()

        def client(c: int) -> None:
            go.wait()
            mine = [request(self.port, self.paths[(offset + c + i) % len(self.paths)]) for i in range(requests_each)]
            with lock:
                latencies.extend(mine)

        threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
        for t in threads:
            t.start()
        cpu_before = cpu_seconds(self.process.pid)
        began = time.perf_counter()
        go.set()
        for t in threads:
            t.join()
        if counted:
            self.seconds += time.perf_counter() - began
            self.cpu += cpu_seconds(self.process.pid) - cpu_before
            self.requests += len(latencies)
            self.latencies.extend(latencies)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--python", action="append")
    parser.add_argument("--kinds", default="wsgi,asgi")
    parser.add_argument("--variants", default="bare,cprofile,sample,sample-unwritten")
    args = parser.parse_args()
    pythons = args.python or default_pythons()
    versions = {python: version_of(python) for python in pythons}
    kinds = args.kinds.split(",")
    variants = args.variants.split(",")
    keys = [(p, k, v) for p in pythons for k in kinds for v in variants]
    # Per key, per run: (median latency s, CPU s per request, requests/s).
    results: Dict[Tuple[str, str, str], List[Tuple[float, float, float]]] = {key: [] for key in keys}
    work = tempfile.mkdtemp(prefix="rp-sampling-bench-")
    print("%d clients; per run: fresh servers, %d rounds of a burst of %d requests per client to each server in "
          "shuffled order; %d runs" % (args.clients, args.rounds, args.requests, args.runs))
    try:
        for run in range(1, args.runs + 1):
            servers: Dict[Tuple[str, str, str], Server] = {}
            try:
                for n, key in enumerate(keys):
                    servers[key] = Server(key[0], key[1], key[2], os.path.join(work, "r%d-%d" % (run, n)))
                for server in servers.values():
                    server.burst(args.clients, args.warmup, run, counted=False)
                order = list(keys)
                for round_ in range(args.rounds):
                    random.Random(run * 100 + round_).shuffle(order)
                    for key in order:
                        servers[key].burst(args.clients, args.requests, run + round_)
            finally:
                reports = {key: server.stop() for key, server in servers.items()}
            for key, server in servers.items():
                results[key].append((statistics.median(server.latencies), server.cpu / server.requests,
                                     server.requests / server.seconds))
                if key[2] != "bare" and not key[2].startswith("sample-unwritten") and "dropped=0 failed=0" not in reports[key]:
                    print("  %s %s %s: %s" % (versions[key[0]], key[1], key[2], reports[key]))
            print("run %d done" % run, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def ratio(key: Tuple[str, str, str], item: int) -> str:
        bare = (key[0], key[1], "bare")
        per_run = [a[item] / b[item] for a, b in zip(results[key], results[bare])]
        return "%4.2fx (%4.2f-%4.2f)" % (statistics.median(per_run), min(per_run), max(per_run))

    print()
    print("%-8s %-5s %-16s %12s %12s %9s | %-20s %-20s %-20s" % (
        "python", "kind", "variant", "latency ms", "CPU ms/req", "req/s", "latency /bare", "CPU /bare",
        "req/s /bare"))
    for key in keys:
        runs = results[key]
        line = "%-8s %-5s %-16s %12.2f %12.2f %9.1f" % (
            versions[key[0]], key[1], key[2], statistics.median(r[0] for r in runs) * 1000,
            statistics.median(r[1] for r in runs) * 1000, statistics.median(r[2] for r in runs))
        if key[2] != "bare" and "bare" in variants:
            line += " | %-20s %-20s %-20s" % (ratio(key, 0), ratio(key, 1), ratio(key, 2))
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
