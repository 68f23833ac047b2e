"""What the benches that time the demo app over HTTP share: a server process per variant
(bench/threaded_throughput.py, bench/middleware_overhead.py).

In the bench: ServerProcess runs `python -c CODE ROOT ARGS...` and reads the port the
server prints; stop() tells it to finish and returns its writer's report.

In the server process (CODE): import_package() puts a copy of request_profiler and the
demo app on sys.path, then serve_until_told(app, middleware) serves the app on a free port
of 127.0.0.1 with the demo's threaded wsgiref server, prints the port, serves until a line
comes on stdin, waits for the middleware's writer and prints its report.
"""

import os
import subprocess
import sys
import threading
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

#: The first lines of every server's CODE: this module, importable in the server process.
SERVER_PRELUDE = 'import os, sys\nsys.path.insert(0, os.path.join(sys.argv[1], "bench"))\n'


def import_package(root: str, package_dir: str) -> Any:
    """Imports request_profiler from package_dir, then the demo app (returned). In this
    order: the demo puts this checkout's package first on sys.path, and a bench comparing
    copies of the middleware (before and after a change) would otherwise time this one twice."""
    sys.path.insert(0, package_dir)
    import request_profiler

    here = os.path.dirname(os.path.abspath(request_profiler.__file__))
    if os.path.dirname(here) != os.path.abspath(package_dir):
        raise RuntimeError("request_profiler came from %s, not %s" % (here, package_dir))
    sys.path.insert(0, os.path.join(root, "demo"))
    import app as demo

    return demo


def serve_until_told(app: Any, middleware: Any = None, flush_s: float = 300.0) -> None:
    """In the server process: serves app, says the port, stops at a line on stdin, then
    says what the middleware's writer did (written=... dropped=... failed=...)."""
    import app as demo  # imported by import_package
    from wsgiref.simple_server import make_server

    class Server(demo.ThreadingWSGIServer):
        request_queue_size = 128  # listen() backlog: wsgiref's 5 would drop concurrent connects (1 s retries)

    server = make_server("127.0.0.1", 0, app, server_class=Server, handler_class=demo.QuietHandler)
    print(server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.readline()
    server.shutdown()
    if middleware is None:
        print("written=0 dropped=0 failed=0", flush=True)
        return
    middleware.writer.flush(flush_s)
    print("written=%d dropped=%d failed=%d" % (middleware.writer.written, middleware.writer.dropped,
                                              middleware.writer.failed), flush=True)


class ServerProcess:
    """One server process (`python -c code ROOT *args`), serving once constructed."""

    def __init__(self, python: str, code: str, name: str, *args: str) -> None:
        self.name = name
        self.process = subprocess.Popen([python, "-c", code, ROOT, *args],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = self.process.stdout.readline() if self.process.stdout else b""
        if not line.strip().isdigit():
            self.kill()
            raise RuntimeError("the %s server did not start\n%s" % (name, self._stderr()))
        self.port = int(line)

    def stop(self, timeout_s: float = 600.0) -> str:
        """Tells the server to finish; its writer's report (written=... dropped=... failed=...)."""
        try:
            out, err = self.process.communicate(b"\n", timeout=timeout_s)
            if self.process.returncode:
                raise RuntimeError("the %s server exited %s\n%s" % (self.name, self.process.returncode,
                                                                   err.decode(errors="replace")[-2000:]))
            return out.decode().strip().splitlines()[-1]
        finally:
            self.kill()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def _stderr(self) -> str:
        try:
            return self.process.communicate(timeout=10)[1].decode(errors="replace")[-2000:]
        except (subprocess.TimeoutExpired, ValueError):
            return ""
