"""Shared helpers: run WSGI and ASGI apps through the middleware in-process and read what it wrote."""

import asyncio
import http.client
import json
import os
import shutil
import sys
import tempfile
import unittest
from typing import Any, Dict, List, Optional, Tuple
from wsgiref.util import setup_testing_defaults

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_ROOT = os.path.dirname(HERE)
if PACKAGE_ROOT not in sys.path:
    sys.path.insert(0, PACKAGE_ROOT)

from request_profiler import ASGIProfilerMiddleware  # noqa: E402
from request_profiler.config import ENV_DIR, ENV_ENGINE, ENV_SWITCH  # noqa: E402
from request_profiler.naming import is_profile_name  # noqa: E402
from request_profiler.run.autoinstall import ENV_RUN  # noqa: E402

FIRST_LINE_PREFIX = '{"format":"request-profiler","version":1,"header":'


def make_environ(path: str = "/", method: str = "GET", query: str = "", **extra: str) -> Dict[str, Any]:
    environ: Dict[str, Any] = {"PATH_INFO": path, "REQUEST_METHOD": method, "QUERY_STRING": query}
    setup_testing_defaults(environ)
    environ.update(extra)
    return environ


class Response:
    def __init__(self) -> None:
        self.status: Optional[str] = None
        self.headers: List[Any] = []
        self.written: List[bytes] = []

    def start_response(self, status: str, headers: List[Any], exc_info: Any = None) -> Any:
        self.status = status
        self.headers = headers
        return self.written.append


def call(app: Any, environ: Optional[Dict[str, Any]] = None) -> bytes:
    """Drive a WSGI app like a server: iterate, then always close."""
    response = Response()
    result = app(environ or make_environ(), response.start_response)
    try:
        return b"".join(response.written) + b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close:
            close()


def asgi_scope(path: str = "/") -> Dict[str, Any]:
    """The least HTTP scope the ASGI middleware reads: a GET of path."""
    return {"type": "http", "method": "GET", "path": path, "headers": []}


async def serve_asgi(app: Any, path: str = "/") -> List[Dict[str, Any]]:
    """Drive an ASGI app like a server, one GET of path with an empty body: the messages it sent."""
    sent: List[Dict[str, Any]] = []

    async def receive() -> Dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: Dict[str, Any]) -> None:
        sent.append(message)

    await app(asgi_scope(path), receive, send)
    return sent


def call_asgi(app: Any, path: str = "/") -> List[Dict[str, Any]]:
    """serve_asgi on an event loop of its own."""
    return asyncio.run(serve_asgi(app, path))


def find_middleware(app: Any) -> ASGIProfilerMiddleware:
    """The ASGIProfilerMiddleware inside a Starlette app's middleware stack (built lazily, on
    the first request)."""
    layer = app.middleware_stack
    while layer is not None and not isinstance(layer, ASGIProfilerMiddleware):
        layer = getattr(layer, "app", None)
    assert layer is not None, "no ASGIProfilerMiddleware in the stack"
    return layer


def profile_files(directory: str) -> List[str]:
    if not os.path.isdir(directory):
        return []
    return sorted(os.path.join(directory, n) for n in os.listdir(directory) if is_profile_name(n))


def load(path: str) -> Dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    assert text.startswith(FIRST_LINE_PREFIX), text[:80]
    return json.loads(text)


def first_line_header(path: str) -> Dict[str, Any]:
    """What a directory listing does: parse line 1 alone."""
    with open(path, encoding="utf-8") as f:
        line = f.readline()
    assert line.startswith(FIRST_LINE_PREFIX) and line.endswith(",\n"), line[:80]
    return json.loads(line[len(FIRST_LINE_PREFIX):-2])


def function_names(doc: Dict[str, Any]) -> List[str]:
    return [f["name"] for f in doc["profile"]["functions"]]


# The variables the package reads, each of which changes what the middleware or the run
# wrapper does (REQUEST_PROFILER switches it off, _DIR moves the profiles, _ENGINE samples
# instead of counting calls, _RUN wraps the apps of child processes): one exported in the
# shell that runs the tests must not change what a test checks, nor one a test sets leak into
# the next. The harness's own (REQUEST_PROFILER_REQUIRE_FRAMEWORKS...) are left alone.
PROFILER_VARIABLES = (ENV_SWITCH, ENV_DIR, ENV_ENGINE, ENV_RUN)


def clear_profiler_environment() -> Dict[str, str]:
    """Removes the package's variables from the environment; returns what they were."""
    return {key: os.environ.pop(key) for key in PROFILER_VARIABLES if key in os.environ}


def restore_profiler_environment(saved: Dict[str, str]) -> None:
    for key in PROFILER_VARIABLES:
        os.environ.pop(key, None)
    os.environ.update(saved)


class TempDirTestCase(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.mkdtemp(prefix="rp-test-")
        self.addCleanup(shutil.rmtree, self.tmp, True)  # cleanups run last-in first-out: after the writers close
        self.profile_dir = os.path.join(self.tmp, "profiles")
        self.addCleanup(restore_profiler_environment, clear_profiler_environment())


def http_get(port: int, path: str, timeout: float = 10.0) -> Tuple[int, bytes]:
    """GET http://127.0.0.1:port/path on a fresh connection: (status, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()
