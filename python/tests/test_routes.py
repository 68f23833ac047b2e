"""The header's `route` (routes.py): the template each real framework matched, through
the middleware, with real requests; absent when nothing matched (404, a mounted
sub-app the middleware cannot see into) or the app is no known framework. Skipped when
a framework is missing, unless REQUEST_PROFILER_REQUIRE_FRAMEWORKS=1 (test_frameworks.need)."""

import io
import logging
import os
import unittest

from request_profiler import ASGIProfilerMiddleware, ProfilerMiddleware, routes

from .support import TempDirTestCase, call, find_middleware, first_line_header, load, make_environ, profile_files
from .schema_check import errors
from .test_format import schema
from .test_frameworks import need


def headers_by_path(testcase, middleware):
    """The headers of the profiles written, by (method, path); every file checked
    against the JSON Schema."""
    testcase.assertTrue(middleware.writer.flush(10))
    headers = {}
    for path in profile_files(testcase.profile_dir):
        testcase.assertEqual(errors(schema(), load(path)), [], path)
        header = first_line_header(path)
        headers[(header["method"], header["path"])] = header
    return headers


class FlaskRouteTest(TempDirTestCase):
    def make_app(self):
        need("flask")
        import flask

        app = flask.Flask("routes_flask_app")

        @app.route("/users/<int:user_id>", methods=["GET", "POST"])
        def user_detail(user_id):
            if user_id == 0:
                raise ValueError("no user 0")
            return "user %d" % user_id

        @app.route("/")
        def index():
            return "index"
        return app

    def test_the_matched_rule_and_endpoint_never_the_values(self):
        app = self.make_app()
        app.wsgi_app = ProfilerMiddleware(app.wsgi_app, profile_dir=self.profile_dir)
        self.addCleanup(app.wsgi_app.writer.close)
        client = app.test_client()
        for method, path in [("GET", "/users/7"), ("POST", "/users/8"), ("GET", "/"), ("GET", "/users/0"),
                             ("GET", "/users/x"), ("DELETE", "/users/9"), ("GET", "/static/site.css")]:
            client.open(path, method=method).close()
        headers = headers_by_path(self, app.wsgi_app)
        user = {"template": "/users/<int:user_id>", "name": "user_detail", "framework": "flask"}
        self.assertEqual(headers[("GET", "/users/7")]["route"], user)
        self.assertEqual(headers[("POST", "/users/8")]["route"], user)
        self.assertEqual(headers[("GET", "/")]["route"], {"template": "/", "name": "index", "framework": "flask"})
        # The view raised (Flask answered 500): the endpoint still ran, so it is its route.
        self.assertEqual((headers[("GET", "/users/0")]["status"], headers[("GET", "/users/0")]["route"]), (500, user))
        # Nothing matched (404), or the method did not (405): no endpoint ran.
        self.assertNotIn("route", headers[("GET", "/users/x")])
        self.assertEqual(headers[("DELETE", "/users/9")]["status"], 405)
        self.assertNotIn("route", headers[("DELETE", "/users/9")])
        # Flask's static files are a rule of the app like any other (here a 404: no folder).
        self.assertEqual(headers[("GET", "/static/site.css")]["route"],
                         {"template": "/static/<path:filename>", "name": "static", "framework": "flask"})

    def test_the_flask_object_itself_wrapped(self):
        app = self.make_app()
        wrapped = ProfilerMiddleware(app, profile_dir=self.profile_dir)
        self.addCleanup(wrapped.writer.close)
        self.assertEqual(call(wrapped, make_environ("/users/3")), b"user 3")
        self.assertEqual(headers_by_path(self, wrapped)[("GET", "/users/3")]["route"]["template"], "/users/<int:user_id>")

    def test_sub_apps_behind_a_dispatcher_have_no_route_unless_wrapped_each(self):
        need("werkzeug")
        from werkzeug.middleware.dispatcher import DispatcherMiddleware
        outer = ProfilerMiddleware(DispatcherMiddleware(self.make_app(), {"/api": self.make_app()}),
                                   profile_dir=self.profile_dir)
        self.addCleanup(outer.writer.close)
        self.assertEqual(call(outer, make_environ("/api/users/4")), b"user 4")
        self.assertNotIn("route", headers_by_path(self, outer)[("GET", "/api/users/4")])

        for path in profile_files(self.profile_dir):
            os.unlink(path)
        api = self.make_app()
        api.wsgi_app = ProfilerMiddleware(api.wsgi_app, profile_dir=self.profile_dir)
        self.addCleanup(api.wsgi_app.writer.close)
        self.assertEqual(call(DispatcherMiddleware(self.make_app(), {"/api": api}), make_environ("/api/users/4")),
                         b"user 4")
        # The template is the sub-app's own, under its mount point (SCRIPT_NAME).
        self.assertEqual(headers_by_path(self, api.wsgi_app)[("GET", "/api/users/4")]["route"]["template"],
                         "/users/<int:user_id>")


def django_user(request, user_id):
    from django.http import HttpResponse
    return HttpResponse("user %s" % user_id)


def django_file(request):
    from django.http import FileResponse
    return FileResponse(io.BytesIO(b"file body"))


def alternate_urlconf_middleware(get_response):
    def middleware(request):
        if request.path.startswith("/alt/"):
            request.urlconf = __name__ + "_alt"
        return get_response(request)
    return middleware


def configure_django():
    need("django")
    import sys
    import types
    import django
    from django.conf import settings
    from django.urls import include, path, re_path

    module = sys.modules[__name__]
    module.urlpatterns = [path("users/<int:user_id>/", django_user, name="user-detail"),
                          path("api/", include([re_path(r"^items/(?P<user_id>[0-9]+)$", django_user)])),
                          path("file/", django_file, name="file")]
    alt = types.ModuleType(__name__ + "_alt")
    alt.urlpatterns = [path("alt/<int:user_id>", django_user, name="alt-user")]
    sys.modules[alt.__name__] = alt
    if not settings.configured:  # as test_frameworks does (its URLconf): whichever runs first configures
        settings.configure(DEBUG=False, SECRET_KEY="test-only", ROOT_URLCONF=need.__module__, ALLOWED_HOSTS=["*"],
                           MIDDLEWARE=[], INSTALLED_APPS=[], USE_TZ=True)
        django.setup()


class DjangoRouteTest(TempDirTestCase):
    def test_the_resolver_match_route_and_view_name_with_a_per_request_urlconf(self):
        configure_django()
        from django.core.wsgi import get_wsgi_application
        from django.test.utils import override_settings

        with override_settings(ROOT_URLCONF=__name__, MIDDLEWARE=[__name__ + ".alternate_urlconf_middleware"]):
            application = ProfilerMiddleware(get_wsgi_application(), profile_dir=self.profile_dir)
            self.addCleanup(application.writer.close)
            self.assertEqual(call(application, make_environ("/users/5/")), b"user 5")
            self.assertEqual(call(application, make_environ("/api/items/6")), b"user 6")
            self.assertEqual(call(application, make_environ("/alt/7")), b"user 7")
            call(application, make_environ("/missing/"))
            call(application, make_environ("/file/", **{"wsgi.file_wrapper": FileWrapper}))
            headers = headers_by_path(self, application)
        self.assertEqual(headers[("GET", "/users/5/")]["route"],
                         {"template": "users/<int:user_id>/", "name": "user-detail", "framework": "django"})
        self.assertEqual(headers[("GET", "/api/items/6")]["route"],
                         {"template": "api/items/(?P<user_id>[0-9]+)$",
                          "name": __name__ + ".django_user", "framework": "django"})
        # request.urlconf set by a middleware: the URLconf Django used, not ROOT_URLCONF.
        self.assertEqual(headers[("GET", "/alt/7")]["route"],
                         {"template": "alt/<int:user_id>", "name": "alt-user", "framework": "django"})
        self.assertEqual(headers[("GET", "/missing/")]["status"], 404)
        self.assertNotIn("route", headers[("GET", "/missing/")])
        # A file_wrapper body is not the response: resolved against ROOT_URLCONF.
        self.assertEqual(headers[("GET", "/file/")]["route"],
                         {"template": "file/", "name": "file", "framework": "django"})


class DjangoAsgiRouteTest(TempDirTestCase):
    def test_the_path_resolved_against_the_root_urlconf(self):
        configure_django()
        import asyncio
        from django.core.asgi import get_asgi_application
        from django.test.utils import override_settings

        from .test_asgi import Collector, receive, scope_for

        with override_settings(ROOT_URLCONF=__name__):
            application = ASGIProfilerMiddleware(get_asgi_application(), profile_dir=self.profile_dir)
            self.addCleanup(application.writer.close)
            for path in ("/users/5/", "/missing/"):
                sent = Collector()
                asyncio.run(application(scope_for(path), receive, sent))
                self.assertEqual(sent.messages[0]["status"], 200 if path == "/users/5/" else 404)
            headers = headers_by_path(self, application)
        self.assertEqual(headers[("GET", "/users/5/")]["route"],
                         {"template": "users/<int:user_id>/", "name": "user-detail", "framework": "django"})
        self.assertNotIn("route", headers[("GET", "/missing/")])


class FileWrapper:
    """A server's wsgi.file_wrapper (PEP 3333): iterates the file in blocks."""

    def __init__(self, filelike, block_size=8192):
        self.filelike = filelike
        self.block_size = block_size

    def __iter__(self):
        return iter(lambda: self.filelike.read(self.block_size), b"")

    def close(self):
        self.filelike.close()


class PyramidRouteTest(TempDirTestCase):
    def test_the_matched_route_pattern_and_name_with_its_predicates(self):
        need("pyramid")
        from pyramid.config import Configurator
        from pyramid.response import Response

        def show(request):
            return Response("show %s" % request.matchdict["id"])

        def update(request):
            return Response("update %s" % request.matchdict["id"])

        with Configurator() as config:
            # Same pattern, told apart by a route predicate: the match must apply it.
            config.add_route("item_update", "/items/{id}", request_method="POST")
            config.add_route("item_show", "/items/{id}")
            config.add_view(show, route_name="item_show")
            config.add_view(update, route_name="item_update")
            app = config.make_wsgi_app()
        application = ProfilerMiddleware(app, profile_dir=self.profile_dir)
        self.addCleanup(application.writer.close)
        self.assertEqual(call(application, make_environ("/items/3")), b"show 3")
        self.assertEqual(call(application, make_environ("/items/4", method="POST", CONTENT_LENGTH="0")), b"update 4")
        call(application, make_environ("/elsewhere"))
        headers = headers_by_path(self, application)
        self.assertEqual(headers[("GET", "/items/3")]["route"],
                         {"template": "/items/{id}", "name": "item_show", "framework": "pyramid"})
        self.assertEqual(headers[("POST", "/items/4")]["route"],
                         {"template": "/items/{id}", "name": "item_update", "framework": "pyramid"})
        self.assertEqual(headers[("GET", "/elsewhere")]["status"], 404)
        self.assertNotIn("route", headers[("GET", "/elsewhere")])
        # The lookup works on its own copy: WebOb's caches do not reach the profile's environ.
        environ = load(os.path.join(self.profile_dir, headers[("GET", "/items/3")]["id"] + ".rprof.json"))["environ"]
        self.assertEqual([k for k in environ if k.startswith("webob.")], [])


class StarletteRouteTest(TempDirTestCase):
    def test_routes_mounts_and_static_files_with_the_middleware_outside_and_inside(self):
        need("starlette", "httpx")
        import shutil
        import tempfile
        from starlette.applications import Starlette
        from starlette.responses import PlainTextResponse
        from starlette.routing import Mount, Route, Router
        from starlette.staticfiles import StaticFiles
        from starlette.testclient import TestClient

        async def user(request):
            return PlainTextResponse("user %s" % request.path_params["user_id"])

        static_dir = tempfile.mkdtemp(prefix="rp-static-")
        self.addCleanup(shutil.rmtree, static_dir, True)
        with open(os.path.join(static_dir, "site.css"), "w") as f:
            f.write("body{}")
        api = Router([Route("/users/{user_id:int}", user, name="api_user")])
        app = Starlette(routes=[Route("/users/{user_id:int}", user, name="user", methods=["GET"]),
                                Mount("/api/v1", app=api, name="api"),
                                Mount("/static", app=StaticFiles(directory=static_dir), name="static")])
        outside = ASGIProfilerMiddleware(app, profile_dir=self.profile_dir)
        self.addCleanup(outside.writer.close)
        with TestClient(outside) as client:
            self.assertEqual(client.get("/users/1").text, "user 1")
            self.assertEqual(client.get("/api/v1/users/2").text, "user 2")
            self.assertEqual(client.get("/static/site.css").text, "body{}")
            self.assertEqual(client.get("/nowhere").status_code, 404)
            self.assertEqual(client.post("/users/3").status_code, 405)
        headers = headers_by_path(self, outside)
        self.assertEqual(headers[("GET", "/users/1")]["route"],
                         {"template": "/users/{user_id:int}", "name": "user", "framework": "starlette"})
        # A mounted router: the mount's path joined to its route's, as Starlette matched them.
        self.assertEqual(headers[("GET", "/api/v1/users/2")]["route"],
                         {"template": "/api/v1/users/{user_id:int}", "name": "api_user", "framework": "starlette"})
        # A mounted app with no routes of its own (static files): the mount's pattern.
        self.assertEqual(headers[("GET", "/static/site.css")]["route"],
                         {"template": "/static/{path:path}", "name": "static", "framework": "starlette"})
        self.assertNotIn("route", headers[("GET", "/nowhere")])
        self.assertNotIn("route", headers[("POST", "/users/3")])

        for path in profile_files(self.profile_dir):
            os.unlink(path)
        inside = Starlette(routes=[Route("/users/{user_id:int}", user, name="user")])
        inside.add_middleware(ASGIProfilerMiddleware, profile_dir=self.profile_dir)
        with TestClient(inside) as client:
            self.assertEqual(client.get("/users/4").text, "user 4")
        middleware = find_middleware(inside)
        self.addCleanup(middleware.writer.close)
        self.assertEqual(headers_by_path(self, middleware)[("GET", "/users/4")]["route"]["template"],
                         "/users/{user_id:int}")

    def test_an_app_mounted_in_another_wrapped_alone_has_its_own_routes(self):
        need("starlette", "httpx")
        from starlette.applications import Starlette
        from starlette.responses import PlainTextResponse
        from starlette.routing import Mount, Route
        from starlette.testclient import TestClient

        async def outer_user(request):
            return PlainTextResponse("outer")

        async def sub_user(request):
            return PlainTextResponse("sub %s" % request.path_params["user_id"])

        sub = Starlette(routes=[Route("/users/{user_id:int}", sub_user, name="sub_user")])
        profiled = ASGIProfilerMiddleware(sub, profile_dir=self.profile_dir)
        self.addCleanup(profiled.writer.close)
        outer = Starlette(routes=[Route("/users/{user_id:int}", outer_user, name="outer_user"),
                                  Mount("/sub", app=profiled)])
        with TestClient(outer) as client:
            self.assertEqual(client.get("/sub/users/9").text, "sub 9")
        # The sub-app's route, relative to its mount (the outer router's would be outer_user).
        # (Its path: what Starlette gives a mounted app, "/users/9" in 0.26, the whole path later.)
        (header,) = headers_by_path(self, profiled).values()
        self.assertEqual(header["route"],
                         {"template": "/users/{user_id:int}", "name": "sub_user", "framework": "starlette"})

    def test_fastapi_routes_and_included_routers(self):
        need("fastapi", "httpx")
        from fastapi import APIRouter, FastAPI
        from fastapi.testclient import TestClient

        app = FastAPI()
        items = APIRouter(prefix="/items")

        @items.get("/{item_id}")
        def read_item(item_id: int):
            return {"id": item_id}

        app.include_router(items)
        app.add_middleware(ASGIProfilerMiddleware, profile_dir=self.profile_dir)
        with TestClient(app) as client:
            self.assertEqual(client.get("/items/5").json(), {"id": 5})
            self.assertEqual(client.get("/items/x").status_code, 422)  # matched, then refused
            self.assertEqual(client.get("/other").status_code, 404)
        middleware = find_middleware(app)
        self.addCleanup(middleware.writer.close)
        headers = headers_by_path(self, middleware)
        expected = {"template": "/items/{item_id}", "name": "read_item", "framework": "fastapi"}
        self.assertEqual(headers[("GET", "/items/5")]["route"], expected)
        self.assertEqual(headers[("GET", "/items/x")]["route"], expected)
        self.assertNotIn("route", headers[("GET", "/other")])


class NoRouteTest(TempDirTestCase):
    def test_a_plain_wsgi_app_has_no_route(self):
        def app(environ, start_response):
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"plain"]
        wrapped = ProfilerMiddleware(app, profile_dir=self.profile_dir)
        self.addCleanup(wrapped.writer.close)
        self.assertIsNone(wrapped.route_lookup)
        self.assertEqual(call(wrapped, make_environ("/a")), b"plain")
        self.assertNotIn("route", headers_by_path(self, wrapped)[("GET", "/a")])

    def test_a_lookup_that_fails_costs_the_route_only(self):
        def app(environ, start_response):
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"served"]
        wrapped = ProfilerMiddleware(app, profile_dir=self.profile_dir)
        self.addCleanup(wrapped.writer.close)

        def broken(request, left):
            raise AttributeError("a framework internal moved")
        wrapped.route_lookup = broken
        with self.assertLogs("request_profiler", logging.DEBUG) as logged:
            self.assertEqual(call(wrapped, make_environ("/b")), b"served")
            headers = headers_by_path(self, wrapped)
        self.assertNotIn("route", headers[("GET", "/b")])
        self.assertIn("a framework internal moved", "\n".join(logged.output))

    def test_bounds_and_types(self):
        self.assertIsNone(routes.make_route(None, "x", "flask"))
        long = routes.make_route("/" + "a" * 2000, "n" * 1000, "flask")
        self.assertEqual((len(long["template"]), len(long["name"])), (routes.MAX_TEMPLATE, routes.MAX_NAME))
        self.assertIsNone(routes.make_route("/x", "", "django")["name"])


if __name__ == "__main__":
    unittest.main()
