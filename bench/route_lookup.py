#!/usr/bin/env python3
"""What finding a request's route (request_profiler/routes.py) costs, per framework,
beside what serving the same request costs without the middleware, in one run.

For Flask, Django, Pyramid (WSGI) and Starlette (ASGI): an app of 20 routes, one
request to the last route (the worst case for frameworks that try routes in order),
served N times without the middleware (the baseline), then the route lookup alone as
the middleware does it after the response, N times: median of 5 rounds, in µs per
request, and the lookup as a share of the request. Needs Debian's python3 (the
frameworks).

    /usr/bin/python3 bench/route_lookup.py [--requests 2000]
"""

import argparse
import asyncio
import io
import os
import statistics
import sys
import time
from typing import Any, Callable, Dict, List, Tuple

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "python"))

from request_profiler import routes  # noqa: E402

ROUTES = 20


def environ(path: str) -> Dict[str, Any]:
    from wsgiref.util import setup_testing_defaults
    env: Dict[str, Any] = {"PATH_INFO": path, "REQUEST_METHOD": "GET", "QUERY_STRING": "", "wsgi.input": io.BytesIO()}
    setup_testing_defaults(env)
    return env


def serve_wsgi(app: Any, path: str) -> Tuple[Callable[[], None], Callable[[], Any]]:
    """A request through the app, and the lookup after it (as wsgi.py does)."""
    lookup = routes.wsgi_lookup(app)
    kept: List[Any] = [None]

    def serve() -> None:
        result = app(environ(path), lambda status, headers, exc_info=None: None)
        b"".join(result)
        kept[0] = routes.wsgi_left(result)
        if hasattr(result, "close"):
            result.close()

    request = environ(path)
    serve()
    left = kept[0]
    assert routes.find(lookup, request, left) is not None, path
    return serve, lambda: routes.find(lookup, request, left)


def flask_app() -> Any:
    import flask
    app = flask.Flask("bench")
    for i in range(ROUTES):
        app.add_url_rule("/r%d/<int:item>" % i, "r%d" % i, lambda item: "ok")
    return app


def django_app() -> Any:
    import django
    from django.conf import settings
    from django.http import HttpResponse
    from django.urls import path
    module = sys.modules[__name__]
    module.urlpatterns = [path("r%d/<int:item>" % i, lambda request, item: HttpResponse("ok"), name="r%d" % i)
                          for i in range(ROUTES)]
    settings.configure(DEBUG=False, SECRET_KEY="bench", ROOT_URLCONF=__name__, ALLOWED_HOSTS=["*"], MIDDLEWARE=[],
                       INSTALLED_APPS=[], USE_TZ=True)
    django.setup()
    from django.core.wsgi import get_wsgi_application
    return get_wsgi_application()


def pyramid_app() -> Any:
    from pyramid.config import Configurator
    from pyramid.response import Response
    with Configurator() as config:
        for i in range(ROUTES):
            config.add_route("r%d" % i, "/r%d/{item}" % i)
            config.add_view(lambda request: Response("ok"), route_name="r%d" % i)
        return config.make_wsgi_app()


def starlette_case(path: str) -> Tuple[Callable[[], None], Callable[[], Any]]:
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    async def endpoint(request: Any) -> Any:
        return PlainTextResponse("ok")
    app = Starlette(routes=[Route("/r%d/{item:int}" % i, endpoint) for i in range(ROUTES)])
    loop = asyncio.new_event_loop()

    def make_scope() -> Dict[str, Any]:
        return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
                "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"", "headers": [],
                "server": ("testserver", 80), "client": ("127.0.0.1", 1)}

    async def receive() -> Dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Dict[str, Any]) -> None:
        pass

    live: List[Dict[str, Any]] = [{}]

    def serve() -> None:
        scope = make_scope()
        loop.run_until_complete(app(scope, receive, send))
        live[0] = scope

    serve()
    request = make_scope()
    lookup = routes.asgi_lookup(app)
    assert routes.find(lookup, request, live[0]) is not None
    return serve, lambda: routes.find(lookup, request, live[0])


def per_call_us(work: Callable[[], Any], n: int) -> float:
    rounds = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(n):
            work()
        rounds.append((time.perf_counter() - start) / n * 1e6)
    return statistics.median(rounds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    n = parser.parse_args().requests
    last = "/r%d/7" % (ROUTES - 1)
    cases = [("flask", lambda: serve_wsgi(flask_app(), last)),
             ("django", lambda: serve_wsgi(django_app(), last)),
             ("pyramid", lambda: serve_wsgi(pyramid_app(), last)),
             ("starlette", lambda: starlette_case(last))]
    print("Python %s; %d routes, request to the last; median of 5 rounds of %d" % (sys.version.split()[0], ROUTES, n))
    print("%-10s %14s %14s %8s" % ("framework", "request µs", "lookup µs", "share"))
    for name, make in cases:
        serve, lookup = make()
        request_us = per_call_us(serve, n)
        lookup_us = per_call_us(lookup, n)
        print("%-10s %14.1f %14.1f %7.1f%%" % (name, request_us, lookup_us, 100.0 * lookup_us / request_us))


if __name__ == "__main__":
    main()
