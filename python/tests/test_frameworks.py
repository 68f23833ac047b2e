"""The middleware in every set-up docs/middleware.md documents, against the real
frameworks (Debian's python3-flask, -django, -pyramid, -pastedeploy, -starlette,
-fastapi). Skipped when a framework is missing, unless
REQUEST_PROFILER_REQUIRE_FRAMEWORKS=1 (scripts/test-python.sh sets it on Debian's
python3, where they must run)."""

import asyncio
import importlib
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest

from request_profiler import ASGIProfilerMiddleware, ProfilerMiddleware

from .support import PACKAGE_ROOT, TempDirTestCase, call, find_middleware, function_names, load, make_environ, profile_files

REQUIRED = os.environ.get("REQUEST_PROFILER_REQUIRE_FRAMEWORKS") == "1"
QUALNAMES = sys.version_info >= (3, 11)


def need(*modules):
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError as exc:
            if REQUIRED:
                raise AssertionError("framework %s is required here but not importable: %s" % (name, exc))
            raise unittest.SkipTest("%s not installed" % name)


def only_profile(testcase, directory, writer):
    testcase.assertTrue(writer.flush(10))
    files = profile_files(directory)
    testcase.assertEqual(len(files), 1, files)
    return load(files[0])


def crunch():
    return sum(i * i for i in range(10000))


class FlaskTest(TempDirTestCase):
    def test_flask_wsgi_app_wrapped(self):
        need("flask")
        import flask
        from flask.views import MethodView

        app = flask.Flask("profiled_flask_app")

        class UserView(MethodView):
            def get(self, user_id):
                crunch()
                return flask.jsonify(id=user_id)

        app.add_url_rule("/users/<int:user_id>", view_func=UserView.as_view("user"))

        @app.route("/stream")
        def stream():
            def rows():
                for i in range(3):
                    yield "%d\n" % crunch()
            return flask.Response(rows(), mimetype="text/csv")

        app.wsgi_app = ProfilerMiddleware(app.wsgi_app, profile_dir=self.profile_dir)
        self.addCleanup(app.wsgi_app.writer.close)
        client = app.test_client()
        response = client.get("/users/7?x=1", headers={"Authorization": "Bearer abc"})
        self.assertEqual(response.get_json(), {"id": 7})
        response.close()  # the server's close(): the profile is finished then
        doc = only_profile(self, self.profile_dir, app.wsgi_app.writer)
        self.assertEqual((doc["header"]["path"], doc["header"]["status"]), ("/users/7", 200))
        self.assertEqual(doc["header"]["contentType"], "application/json")
        self.assertEqual(dict(doc["request"]["headers"])["Authorization"], "[redacted]")
        get = [f for f in doc["profile"]["functions"] if f["name"] == "get" and f["file"] == __file__.replace(".pyc", ".py")]
        self.assertEqual(len(get), 1)
        if QUALNAMES:
            self.assertEqual(get[0]["qualname"], "FlaskTest.test_flask_wsgi_app_wrapped.<locals>.UserView.get")
        self.assertIn("full_dispatch_request", function_names(doc))

        for path in profile_files(self.profile_dir):
            os.unlink(path)
        response = client.get("/stream")
        self.assertEqual(response.data.count(b"\n"), 3)
        response.close()
        doc = only_profile(self, self.profile_dir, app.wsgi_app.writer)
        self.assertEqual([f["nc"] for f in doc["profile"]["functions"] if f["name"] == "crunch"], [3])
        self.assertGreater(doc["header"]["bytesSent"], 0)


DJANGO_URLS = None


def django_view(request, user_id):
    from django.http import JsonResponse
    crunch()
    return JsonResponse({"id": user_id})


class DjangoTest(TempDirTestCase):
    def test_django_wsgi_application_wrapped(self):
        need("django")
        import django
        from django.conf import settings
        from django.urls import path

        global urlpatterns
        urlpatterns = [path("users/<int:user_id>", django_view)]
        if not settings.configured:
            settings.configure(DEBUG=False, SECRET_KEY="test-only", ROOT_URLCONF=__name__, ALLOWED_HOSTS=["*"],
                               MIDDLEWARE=[], INSTALLED_APPS=[], USE_TZ=True)
            django.setup()
        from django.core.wsgi import get_wsgi_application
        # What a project's wsgi.py does:
        application = get_wsgi_application()
        application = ProfilerMiddleware(application, profile_dir=self.profile_dir)
        self.addCleanup(application.writer.close)
        body = call(application, make_environ("/users/5", HTTP_AUTHORIZATION="Bearer t"))
        self.assertEqual(body, b'{"id": 5}')
        doc = only_profile(self, self.profile_dir, application.writer)
        self.assertEqual(doc["header"]["status"], 200)
        self.assertIn("django_view", function_names(doc))
        self.assertIn("get_response", function_names(doc))
        self.assertEqual(doc["environ"]["HTTP_AUTHORIZATION"], "[redacted]")


PYRAMID_APP = textwrap.dedent('''
    from pyramid.config import Configurator
    from pyramid.response import Response

    def hello(request):
        return Response("hello %s" % sum(i for i in range(1000)), content_type="text/plain")

    def main(global_config, **settings):
        with Configurator(settings=settings) as config:
            config.add_route("hello", "/hello")
            config.add_view(hello, route_name="hello")
            return config.make_wsgi_app()
''')

# The seed's incantation, with this package's name.
PASTE_INI = textwrap.dedent('''
    [app:main]
    use = call:pyramid_demo_app:main

    [filter-app:profile]
    use = egg:{egg}#profile
    profile_dir = %(here)s/profiles
    sample_every = 1
    next = main
''')


class PyramidPasteDeployTest(unittest.TestCase):
    """Installs the package for real (pip --target, no network) so that the
    paste.filter_app_factory entry point is found the way PasteDeploy finds it."""

    @classmethod
    def setUpClass(cls):
        need("pyramid", "paste.deploy")
        cls.tmp = tempfile.mkdtemp(prefix="rp-paste-")
        source = os.path.join(cls.tmp, "src")
        shutil.copytree(PACKAGE_ROOT, source, ignore=shutil.ignore_patterns("tests", "build", "*.egg-info", "__pycache__"))
        cls.site = os.path.join(cls.tmp, "site")
        install = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-build-isolation", "--no-deps",
                                  "--no-index", "--target", cls.site, source],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if install.returncode != 0:
            shutil.rmtree(cls.tmp, ignore_errors=True)
            message = "pip install of the package failed: %s" % install.stdout.decode()[-2000:]
            if REQUIRED:
                raise AssertionError(message)
            raise unittest.SkipTest(message)
        with open(os.path.join(cls.tmp, "pyramid_demo_app.py"), "w") as f:
            f.write(PYRAMID_APP)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def serve_once(self, egg):
        """A fresh interpreter, like pserve: only the installed package on the path."""
        ini = os.path.join(self.tmp, "%s.ini" % egg)
        with open(ini, "w") as f:
            f.write(PASTE_INI.format(egg=egg))
        script = textwrap.dedent('''
            import sys
            from paste.deploy import loadapp
            from webob import Request
            app = loadapp("config:%s", name="profile")
            print(type(app).__module__, type(app).__name__)
            print(sys.modules["request_profiler"].__file__)
            response = Request.blank("/hello").get_response(app)
            print(response.status, response.text)
            app.writer.flush(10)
        ''' % ini)
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([self.site, self.tmp]))
        return subprocess.run([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=env, cwd=self.tmp, timeout=60)

    def test_filter_app_with_dashed_and_underscored_egg_names(self):
        for egg in ("request-profiler", "request_profiler"):
            profiles = os.path.join(self.tmp, "profiles")
            shutil.rmtree(profiles, ignore_errors=True)
            run = self.serve_once(egg)
            self.assertEqual(run.returncode, 0, run.stderr.decode())
            out = run.stdout.decode().splitlines()
            self.assertEqual(out[0], "request_profiler.wsgi ProfilerMiddleware")
            self.assertTrue(out[1].startswith(os.path.join(self.site, "request_profiler")), out[1])
            self.assertEqual(out[2], "200 OK hello 499500")
            (path,) = profile_files(profiles)
            self.assertTrue(load(path)["header"]["profiled"])
            self.assertIn("hello", function_names(load(path)))


class StarletteFastAPITest(TempDirTestCase):
    def test_starlette_add_middleware(self):
        need("starlette", "httpx")
        from starlette.applications import Starlette
        from starlette.responses import JSONResponse, PlainTextResponse
        from starlette.routing import Route, WebSocketRoute
        from starlette.testclient import TestClient

        async def users(request):
            crunch()
            await asyncio.sleep(0.01)
            crunch()
            return JSONResponse({"id": request.path_params["user_id"]})

        async def echo(websocket):
            await websocket.accept()
            await websocket.send_text("hi")
            await websocket.close()

        lifespan_ran = []

        async def homepage(request):
            return PlainTextResponse("home")

        app = Starlette(routes=[Route("/users/{user_id:int}", users), Route("/", homepage),
                                WebSocketRoute("/ws", echo)],
                        on_startup=[lambda: lifespan_ran.append(True)])
        app.add_middleware(ASGIProfilerMiddleware, profile_dir=self.profile_dir)
        with TestClient(app) as client:
            self.assertEqual(client.get("/users/3", headers={"X-Api-Key": "k"}).json(), {"id": 3})
            with client.websocket_connect("/ws") as ws:
                self.assertEqual(ws.receive_text(), "hi")
        self.assertEqual(lifespan_ran, [True])
        middleware = find_middleware(app)
        doc = only_profile(self, self.profile_dir, middleware.writer)
        self.assertEqual((doc["header"]["interface"], doc["header"]["path"], doc["header"]["status"]),
                         ("asgi", "/users/3", 200))
        self.assertEqual([f["nc"] for f in doc["profile"]["functions"] if f["name"] == "crunch"], [2])
        self.assertGreater(doc["header"]["wallMs"], 10)
        self.assertEqual(dict(doc["request"]["headers"])["x-api-key"], "[redacted]")

    def test_starlette_http_middleware_and_streaming_run_in_child_tasks_and_are_profiled(self):
        need("starlette", "httpx")
        from starlette.applications import Starlette
        from starlette.responses import StreamingResponse
        from starlette.routing import Route
        from starlette.testclient import TestClient

        def chunk_maker(i):
            return ("%d\n" % crunch()).encode()

        async def rows():
            for i in range(3):
                await asyncio.sleep(0)
                yield chunk_maker(i)

        async def export(request):
            return StreamingResponse(rows(), media_type="text/csv")

        app = Starlette(routes=[Route("/export", export)])

        @app.middleware("http")
        async def add_header(request, call_next):  # BaseHTTPMiddleware: the app runs in a child task
            response = await call_next(request)
            response.headers["X-Seen"] = "1"
            return response

        app.add_middleware(ASGIProfilerMiddleware, profile_dir=self.profile_dir)
        with TestClient(app) as client:
            response = client.get("/export")
        self.assertEqual(response.text.count("\n"), 3)
        self.assertEqual(response.headers["x-seen"], "1")
        doc = only_profile(self, self.profile_dir, find_middleware(app).writer)
        names = function_names(doc)
        self.assertIn("export", names)
        self.assertEqual([f["nc"] for f in doc["profile"]["functions"] if f["name"] == "chunk_maker"], [3])
        self.assertEqual(doc["header"]["bytesSent"], len(response.content))

    def test_fastapi_add_middleware(self):
        need("fastapi", "httpx")
        from fastapi import FastAPI
        from fastapi.testclient import TestClient

        app = FastAPI()

        class ItemService:
            async def load(self, item_id):
                await asyncio.sleep(0)
                return {"item": item_id, "total": crunch()}

        service = ItemService()

        @app.get("/items/{item_id}")
        async def read_item(item_id: int):
            return await service.load(item_id)

        app.add_middleware(ASGIProfilerMiddleware, profile_dir=self.profile_dir)
        with TestClient(app) as client:
            self.assertEqual(client.get("/items/9").json()["item"], 9)
        doc = only_profile(self, self.profile_dir, find_middleware(app).writer)
        load_row = [f for f in doc["profile"]["functions"] if f["name"] == "load"][0]
        if QUALNAMES:
            self.assertTrue(load_row["qualname"].endswith("ItemService.load"), load_row["qualname"])
        self.assertIn("read_item", function_names(doc))
        self.assertEqual(doc["header"]["contentType"], "application/json")


if __name__ == "__main__":
    unittest.main()
