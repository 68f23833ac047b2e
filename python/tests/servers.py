"""Run a WSGI app through the middleware in a separate server process (so that the
test's own client threads are not in the profiled interpreter) and talk to it."""

import subprocess
import sys
import textwrap
from typing import List, Tuple

from .support import PACKAGE_ROOT, http_get

SERVER_SOURCE = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, sys.argv[1])
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
    from request_profiler import ProfilerMiddleware

    def work(n):
        return sum(i * i for i in range(n))

    options = dict(arg.split("=", 1) for arg in sys.argv[3:])

    def until_sampled():
        # The sampling engine's sampler thread may get no time on a busy machine, and a request
        # of a few milliseconds would then go unsampled: wait until it has taken two samples since
        # the handler got here (the second is wholly after, so this stack is in it). A starved
        # sampler makes requests slower, never unsampled.
        sampler = middleware.sampler
        wanted = sampler.ticks + 2
        deadline = time.monotonic() + 10
        while sampler.ticks < wanted and time.monotonic() < deadline:
            time.sleep(0.0005)

    def make_handler(k):
        # Each route gets its own code object, named handler_<k>, so a profile says whose work it holds.
        namespace = {"work": work, "time": time, "until_sampled": until_sampled}
        wait = "    until_sampled()\\n" if options.get("engine") == "sample" else ""
        exec("def handler_%d(environ):\\n    time.sleep(0.002)\\n%s    return b'route %d ' + str(work(3000 + %d)).encode()\\n"
             % (k, wait, k, k), namespace)
        return namespace["handler_%d" % k]

    HANDLERS = {"/r%d" % k: make_handler(k) for k in range(6)}

    STREAM_CHUNKS = 60

    def stream_chunk(i):
        time.sleep(0.05)               # a slow producer: an SSE feed, a report built row by row
        return b"chunk %d %d\\n" % (i, work(2000))

    def stream_body():
        for i in range(STREAM_CHUNKS):
            yield stream_chunk(i)

    def app(environ, start_response):
        if environ["PATH_INFO"] == "/stream":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return stream_body()
        body = HANDLERS[environ["PATH_INFO"]](environ)
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
        return [body]

    class Server(ThreadingMixIn, WSGIServer):
        daemon_threads = True
        request_queue_size = 64

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    middleware = ProfilerMiddleware(app, profile_dir=sys.argv[2], queue_size=1000, keep_max_files=0, **options)
    server = make_server("127.0.0.1", 0, middleware, server_class=Server, handler_class=Quiet)
    print(server.server_address[1], flush=True)
    try:
        import threading
        threading.Thread(target=server.serve_forever, daemon=True).start()
        sys.stdin.readline()           # the test closes stdin to stop the server
        server.shutdown()
        middleware.writer.flush(60)
        print("dropped=%d failed=%d written=%d" % (middleware.writer.dropped, middleware.writer.failed,
                                                    middleware.writer.written), flush=True)
    except BaseException as exc:
        print("server error: %r" % exc, flush=True)
        raise
""")

EXPECTED = {"/r%d" % k: b"route %d " % k + str(sum(i * i for i in range(3000 + k))).encode() for k in range(6)}
EXPECTED["/stream"] = b"".join(b"chunk %d %d\n" % (i, sum(j * j for j in range(2000))) for i in range(60))


class ServerProcess:
    def __init__(self, profile_dir: str, python: str = sys.executable, **options: str) -> None:
        """options: middleware options, as strings (PasteDeploy style)."""
        arguments = ["%s=%s" % item for item in options.items()]
        self.process = subprocess.Popen([python, "-c", SERVER_SOURCE, PACKAGE_ROOT, profile_dir] + arguments,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.port = int(self.process.stdout.readline())

    def get(self, path: str) -> Tuple[int, bytes]:
        return http_get(self.port, path, timeout=60)

    def stop(self) -> Tuple[str, str]:
        out, err = self.process.communicate(b"\n", timeout=120)
        return out.decode(), err.decode()


def run_clients(server: ServerProcess, clients: int, requests_each: int) -> List[Tuple[str, int, bytes]]:
    import threading
    results: List[Tuple[str, int, bytes]] = []
    lock = threading.Lock()

    def client(c: int) -> None:
        for i in range(requests_each):
            path = "/r%d" % ((c + i) % 6)
            status, body = server.get(path)
            with lock:
                results.append((path, status, body))

    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results
