"""A small standard-library web app wrapped by the request profiler.

Routing, a template, a SQLite query, JSON, a slow CPU-bound route, a streaming
route and one that raises: enough for the extension's demo, the fixtures and the
overhead benchmark (where it is the "realistic app").

    python3 demo/app.py --profile-dir .profiles --port 8000
    python3 demo/app.py --profile-dir /tmp/p --requests 20     # serve, call itself, exit
"""

import argparse
import json
import os
import re
import sqlite3
import string
import sys
import threading
import urllib.error
import urllib.request
from socketserver import ThreadingMixIn
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "python"))

PAGE = string.Template("""<!doctype html>
<html><head><title>$title</title></head>
<body><h1>$title</h1>
<table>
$rows
</table>
<p>$count users, page rendered by the demo app.</p>
</body></html>
""")
ROW = string.Template("<tr><td>$id</td><td>$name</td><td>$email</td><td>$score</td></tr>")


class Database:
    """One in-memory SQLite database per thread (sqlite3 connections are per thread)."""

    USERS = 200

    def __init__(self) -> None:
        self._local = threading.local()

    def connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = sqlite3.connect(":memory:")
            conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT, score REAL)")
            conn.executemany("INSERT INTO users VALUES (?, ?, ?, ?)",
                             [(i, "user%d" % i, "user%d@example.com" % i, (i * 37) % 101 / 3.0)
                              for i in range(1, self.USERS + 1)])
        return conn

    def top_users(self, limit: int) -> List[Tuple[Any, ...]]:
        return self.connection().execute(
            "SELECT id, name, email, score FROM users WHERE score > ? ORDER BY score DESC, id LIMIT ?",
            (5.0, limit)).fetchall()

    def user(self, user_id: int) -> Optional[Tuple[Any, ...]]:
        return self.connection().execute("SELECT id, name, email, score FROM users WHERE id = ?",
                                         (user_id,)).fetchone()


Handler = Callable[[Dict[str, Any], "re.Match[str]"], Tuple[str, List[Tuple[str, str]], Iterable[bytes]]]


class Router:
    def __init__(self) -> None:
        self.routes: List[Tuple[str, "re.Pattern[str]", Handler]] = []

    def add(self, method: str, pattern: str, handler: Handler) -> None:
        self.routes.append((method, re.compile("^%s$" % pattern), handler))

    def match(self, method: str, path: str) -> Tuple[Optional[Handler], Optional["re.Match[str]"]]:
        for route_method, pattern, handler in self.routes:
            found = pattern.match(path)
            if found and route_method == method:
                return handler, found
        return None, None


class UserViews:
    def __init__(self, db: Database) -> None:
        self.db = db

    def index(self, environ, match):
        users = self.db.top_users(50)
        rows = "\n".join(ROW.substitute(id=u[0], name=u[1], email=u[2], score="%.1f" % u[3]) for u in users)
        body = PAGE.substitute(title="Top users", rows=rows, count=len(users)).encode()
        return "200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))], [body]

    def detail_json(self, environ, match):
        user = self.db.user(int(match.group("id")))
        if user is None:
            body = json.dumps({"error": "no such user"}).encode()
            return "404 Not Found", [("Content-Type", "application/json")], [body]
        body = json.dumps({"id": user[0], "name": user[1], "email": user[2], "score": user[3]}).encode()
        return "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))], [body]


def primes_below(limit: int) -> List[int]:
    return [n for n in range(2, limit) if is_prime(n)]


def is_prime(n: int) -> bool:
    return all(n % d for d in range(2, int(n ** 0.5) + 1))


def fibonacci(n: int) -> int:
    return n if n < 2 else fibonacci(n - 1) + fibonacci(n - 2)


def slow_report(environ, match):
    """CPU-bound on purpose, with known shares: primes then a recursive fibonacci."""
    primes = primes_below(30000)
    fib = fibonacci(20)
    body = json.dumps({"primes": len(primes), "fib": fib}).encode()
    return "200 OK", [("Content-Type", "application/json")], [body]


def stream_csv(environ, match):
    def rows():
        yield b"id,square\n"
        for i in range(1, 6):
            yield ("%d,%d\n" % (i, sum(k * k for k in range(i * 2000)))).encode()
    return "200 OK", [("Content-Type", "text/csv")], rows()


def fail(environ, match):
    raise RuntimeError("the demo app failed on purpose")


def build_app() -> Callable[..., Iterable[bytes]]:
    db = Database()
    users = UserViews(db)
    router = Router()
    router.add("GET", "/", users.index)
    router.add("GET", r"/api/users/(?P<id>\d+)", users.detail_json)
    router.add("GET", "/slow", slow_report)
    router.add("GET", "/stream", stream_csv)
    router.add("GET", "/error", fail)

    def demo_app(environ, start_response):
        handler, match = router.match(environ["REQUEST_METHOD"], environ.get("PATH_INFO", "/"))
        if handler is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found\n"]
        status, headers, body = handler(environ, match)
        start_response(status, headers)
        return body

    return demo_app


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass


def serve(app, port: int, quiet: bool = False):
    return make_server("127.0.0.1", port, app, server_class=ThreadingWSGIServer,
                       handler_class=QuietHandler if quiet else WSGIRequestHandler)


REQUEST_CYCLE = ["/", "/api/users/7", "/stream", "/api/users/99999", "/slow", "/error", "/favicon.ico"]


def fire(port: int, count: int) -> List[int]:
    statuses = []
    for i in range(count):
        path = REQUEST_CYCLE[i % len(REQUEST_CYCLE)]
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=30) as response:
                response.read()
                statuses.append(response.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
    return statuses


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile-dir", default=".profiles", help="where profiles are written")
    parser.add_argument("--port", type=int, default=None,
                        help="default 8000; with --requests, a free port; 0 picks a free port")
    parser.add_argument("--requests", type=int, default=0, metavar="K",
                        help="serve, send K requests to itself, wait for the profiles, exit")
    parser.add_argument("--no-profile", action="store_true", help="serve the bare app")
    args = parser.parse_args(argv)

    from request_profiler import ProfilerMiddleware
    app = build_app()
    middleware = None
    if not args.no_profile:
        app = middleware = ProfilerMiddleware(app, profile_dir=args.profile_dir)
    port = args.port if args.port is not None else (0 if args.requests else 8000)
    server = serve(app, port, quiet=bool(args.requests))
    port = server.server_address[1]
    if not args.requests:
        print("demo app on http://127.0.0.1:%d/ , profiles in %s" % (port, os.path.abspath(args.profile_dir)))
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        return 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    statuses = fire(port, args.requests)
    server.shutdown()
    if middleware is not None and middleware.writer is not None:
        middleware.writer.flush(30)
    print("%d requests, statuses %s" % (len(statuses), " ".join(map(str, statuses))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
