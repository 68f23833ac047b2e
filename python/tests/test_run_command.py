"""`python -m request_profiler run -- COMMAND`: each framework's usual command, started
through the launcher, serves a real request and writes that request's profile,
without the app importing anything of ours. The framework cases run on Debian's
python3 with its packages (skipped elsewhere unless REQUEST_PROFILER_REQUIRE_FRAMEWORKS=1);
the standard-library cases run on every interpreter."""

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest

from .launched import LAUNCHER, LaunchedServer, free_port
from .support import PACKAGE_ROOT, function_names, load
from .test_frameworks import need

HERE_PYTHON = sys.executable

WSGIREF_APP = textwrap.dedent('''
    import sys
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    def crunch_for_wsgiref():
        return sum(i * i for i in range(20000))

    def application(environ, start_response):
        body = ("plain %d" % crunch_for_wsgiref()).encode()
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
        return [body]

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    if __name__ == "__main__":
        make_server("127.0.0.1", int(sys.argv[1]), application, handler_class=Quiet).serve_forever()
''')

FLASK_APP = textwrap.dedent('''
    from flask import Flask

    app = Flask("launched_flask_app")

    def crunch_for_flask():
        return sum(i * i for i in range(20000))

    @app.route("/users/<int:user_id>")
    def user(user_id):
        return {"id": user_id, "total": crunch_for_flask()}
''')

DJANGO_FILES = {
    "manage.py": '''
        import os, sys
        if __name__ == "__main__":
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_settings")
            from django.core.management import execute_from_command_line
            execute_from_command_line(sys.argv)
    ''',
    "site_settings.py": '''
        SECRET_KEY = "test-only"
        DEBUG = True
        ALLOWED_HOSTS = ["*"]
        ROOT_URLCONF = "site_urls"
        INSTALLED_APPS = []
        MIDDLEWARE = []
        DATABASES = {}
        USE_TZ = True
    ''',
    "site_urls.py": '''
        from django.http import JsonResponse
        from django.urls import path

        def crunch_for_django():
            return sum(i * i for i in range(20000))

        def user(request, user_id):
            return JsonResponse({"id": user_id, "total": crunch_for_django()})

        urlpatterns = [path("users/<int:user_id>", user)]
    ''',
}

STARLETTE_APP = textwrap.dedent('''
    import asyncio
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    def crunch_for_starlette():
        return sum(i * i for i in range(20000))

    async def user(request):
        await asyncio.sleep(0.01)
        return JSONResponse({"id": request.path_params["user_id"], "total": crunch_for_starlette()})

    app = Starlette(routes=[Route("/users/{user_id:int}", user)])
''')

FASTAPI_APP = textwrap.dedent('''
    import asyncio
    from fastapi import FastAPI

    app = FastAPI()

    def crunch_for_fastapi():
        return sum(i * i for i in range(20000))

    @app.get("/users/{user_id}")
    async def user(user_id: int):
        await asyncio.sleep(0.01)
        return {"id": user_id, "total": crunch_for_fastapi()}
''')

PYRAMID_APP = textwrap.dedent('''
    from pyramid.config import Configurator
    from pyramid.response import Response

    def crunch_for_pyramid():
        return sum(i * i for i in range(20000))

    def user(request):
        return Response("user %s %d" % (request.matchdict["user_id"], crunch_for_pyramid()), content_type="text/plain")

    def main(global_config, **settings):
        with Configurator(settings=settings) as config:
            config.add_route("user", "/users/{user_id}")
            config.add_view(user, route_name="user")
            return config.make_wsgi_app()
''')

PYRAMID_INI = textwrap.dedent('''
    [app:main]
    use = call:launched_pyramid_app:main

    [server:main]
    use = egg:pyramid#wsgiref
    host = 127.0.0.1
    port = %(http_port)s
''')

EXPECTED_TOTAL = str(sum(i * i for i in range(20000)))


class LaunchTestCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="rp-run-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.profile_dir = os.path.join(self.tmp, "watched", ".profiles")

    def write(self, name, text):
        with open(os.path.join(self.tmp, name), "w") as f:
            f.write(textwrap.dedent(text))

    def launch(self, command, **kwargs):
        port = kwargs.pop("port", None) or free_port()
        server = LaunchedServer([part.replace("{port}", str(port)) for part in command], self.tmp, port,
                                self.profile_dir, **kwargs)
        self.addCleanup(server.stop)
        return server

    def only_profile(self, server, path):
        files = server.wait_for_profiles()
        self.assertEqual(len(files), 1, "%s\n%s" % (files, server.output()))
        doc = load(files[0])
        self.assertEqual(doc["header"]["path"], path)
        self.assertTrue(doc["header"]["profiled"], doc["header"])
        self.assertEqual(doc["header"]["status"], 200)
        return doc

    def assert_said_once(self, server, what):
        lines = [line for line in server.output().splitlines() if line.startswith("request_profiler: profiling %s" % what)]
        self.assertEqual(len(lines), 1, server.output())
        self.assertIn(os.path.realpath(self.profile_dir), os.path.realpath(lines[0].rsplit(" into ", 1)[1]))


class StandardLibraryTest(LaunchTestCase):
    """Every interpreter: the launcher, the bootstrap and the wsgiref hook."""

    def test_python_app_served_by_wsgiref(self):
        self.write("plain_app.py", WSGIREF_APP)
        server = self.launch(["python", "plain_app.py", "{port}"])
        status, body = server.get("/report?x=1")
        self.assertEqual((status, body), (200, ("plain " + EXPECTED_TOTAL).encode()))
        doc = self.only_profile(server, "/report")
        self.assertIn("crunch_for_wsgiref", function_names(doc))
        self.assert_said_once(server, "WSGI app __main__.application served by wsgiref")
        # "python" is the launcher's own interpreter.
        self.assertEqual(os.path.realpath(doc["python"]["executable"]), os.path.realpath(HERE_PYTHON))

    def test_an_existing_sitecustomize_still_runs(self):
        own = os.path.join(self.tmp, "own_site")
        os.mkdir(own)
        with open(os.path.join(own, "sitecustomize.py"), "w") as f:
            f.write("import builtins\nbuiltins.OWN_SITECUSTOMIZE_RAN = True\n")
        script = ("import builtins, sys, wsgiref.simple_server as w\n"
                  "print(getattr(builtins, 'OWN_SITECUSTOMIZE_RAN', False), sys.modules['sitecustomize'].__file__,\n"
                  "      hasattr(w.WSGIServer.set_app, '_request_profiler_original'), 'tests' in sys.modules)\n"
                  "import importlib.util; print(importlib.util.find_spec('tests') is None)\n")
        env = dict(os.environ, PYTHONPATH=own)
        env.pop("REQUEST_PROFILER_RUN", None)
        run = subprocess.run([HERE_PYTHON, "-c", LAUNCHER, "run", "--profile-dir", self.profile_dir, "--",
                              "python", "-c", script], cwd=self.tmp, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(run.returncode, 0, run.stderr.decode())
        ran, module_file, hooked, tests_imported = run.stdout.decode().splitlines()[0].split()
        self.assertEqual((ran, hooked, tests_imported), ("True", "True", "False"))
        self.assertEqual(os.path.dirname(os.path.realpath(module_file)), os.path.realpath(own))
        # The package's directory (with its tests) is not on the app's path: only the package is loaded.
        self.assertEqual(run.stdout.decode().splitlines()[1], "True")

    def test_without_the_launcher_nothing_is_hooked(self):
        bootstrap = os.path.join(PACKAGE_ROOT, "request_profiler", "run", "bootstrap")
        script = ("import sys; n = len(sys.meta_path)\n"
                  "import request_profiler, request_profiler.run.autoinstall, request_profiler.__main__\n"
                  "import wsgiref.simple_server as w\n"
                  "print(len(sys.meta_path) == n, hasattr(w.WSGIServer.set_app, '_request_profiler_original'))\n")
        for pythonpath in (PACKAGE_ROOT, os.pathsep.join([bootstrap, PACKAGE_ROOT])):
            env = dict(os.environ, PYTHONPATH=pythonpath)
            env.pop("REQUEST_PROFILER_RUN", None)
            run = subprocess.run([HERE_PYTHON, "-c", script], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 timeout=60)
            self.assertEqual((run.returncode, run.stdout.decode().split()), (0, ["True", "False"]), run.stderr.decode())

    def test_bad_options_and_unknown_commands_fail_before_the_app_starts(self):
        def launch(*args):
            return subprocess.run([HERE_PYTHON, "-c", LAUNCHER, "run"] + list(args), cwd=self.tmp,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        bad = launch("--sample-every", "zero", "--", "python", "-c", "print('app ran')")
        self.assertEqual(bad.returncode, 2)
        self.assertIn("sample_every", bad.stderr.decode())
        self.assertNotIn(b"app ran", bad.stdout)
        missing = launch("--", "no-such-command-for-request-profiler", "run")
        self.assertEqual(missing.returncode, 127)
        self.assertIn("command not found: no-such-command-for-request-profiler", missing.stderr.decode())
        self.assertEqual(launch().returncode, 2)

    def test_exit_status_and_arguments_are_the_commands(self):
        run = subprocess.run([HERE_PYTHON, "-c", LAUNCHER, "run", "--", "python", "-c",
                              "import sys; print(sys.argv[1:]); sys.exit(3)", "a b", "--c"],
                             cwd=self.tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        self.assertEqual((run.returncode, run.stdout.decode().strip()), (3, "['a b', '--c']"))

    def test_REQUEST_PROFILER_0_turns_it_off(self):
        self.write("plain_app.py", WSGIREF_APP)
        server = self.launch(["python", "plain_app.py", "{port}"], env=dict(os.environ, REQUEST_PROFILER="0"))
        self.assertEqual(server.get("/report")[0], 200)
        self.assertEqual(server.wait_for_profiles(wait_s=0.5), [])
        self.assertNotIn("request_profiler: profiling WSGI", server.output())


class FrameworkLaunchTest(LaunchTestCase):
    """Debian's framework packages, each started by its usual command."""

    def test_flask_run(self):
        need("flask")
        self.write("launched_flask_app.py", FLASK_APP)
        # `flask` looked up on PATH: this interpreter's own script first (pyenv's shims
        # might run another interpreter, without Flask).
        path = os.pathsep.join([os.path.dirname(HERE_PYTHON), os.environ.get("PATH", "")])
        server = self.launch(["flask", "--app", "launched_flask_app", "run", "--port", "{port}"],
                             env=dict(os.environ, PATH=path))
        status, body = server.get("/users/7")
        self.assertEqual(status, 200, body)
        doc = self.only_profile(server, "/users/7")
        self.assertIn("crunch_for_flask", function_names(doc))
        self.assertIn("full_dispatch_request", function_names(doc))
        self.assert_said_once(server, "Flask app 'launched_flask_app'")

    def test_gunicorn_workers_are_profiled(self):
        need("flask")
        try:
            import gunicorn  # noqa: F401  (Debian's gunicorn; not among the packages the test script installs)
        except ImportError:
            raise unittest.SkipTest("gunicorn not installed")
        self.write("launched_flask_app.py", FLASK_APP)
        path = os.pathsep.join([os.path.dirname(HERE_PYTHON), os.environ.get("PATH", "")])
        server = self.launch(["gunicorn", "--workers", "2", "--bind", "127.0.0.1:{port}", "launched_flask_app:app"],
                             env=dict(os.environ, PATH=path))
        self.assertEqual(server.get("/users/8")[0], 200)
        doc = self.only_profile(server, "/users/8")
        self.assertNotEqual(doc["header"]["pid"], server.process.pid)  # a forked worker served it
        self.assertIn("crunch_for_flask", function_names(doc))

    def django_project(self):
        need("django")
        for name, text in DJANGO_FILES.items():
            self.write(name, text)

    def test_django_runserver_without_reloader(self):
        self.django_project()
        server = self.launch(["python", "manage.py", "runserver", "--noreload", "127.0.0.1:{port}"])
        status, body = server.get("/users/5")
        self.assertEqual(status, 200, body)
        doc = self.only_profile(server, "/users/5")
        self.assertIn("crunch_for_django", function_names(doc))
        self.assert_said_once(server, "Django app (WSGIHandler)")

    def test_django_runserver_with_its_autoreloader_profiles_the_serving_child(self):
        self.django_project()
        server = self.launch(["python", "manage.py", "runserver", "127.0.0.1:{port}"])
        self.assertEqual(server.get("/users/6")[0], 200)
        doc = self.only_profile(server, "/users/6")
        self.assertNotEqual(doc["header"]["pid"], server.process.pid)  # the reloader's child served it
        self.assertIn("crunch_for_django", function_names(doc))

    def test_uvicorn_starlette(self):
        need("starlette", "uvicorn")
        self.write("launched_starlette_app.py", STARLETTE_APP)
        server = self.launch(["python", "-m", "uvicorn", "launched_starlette_app:app", "--port", "{port}"])
        status, body = server.get("/users/3")
        self.assertEqual(status, 200, body)
        doc = self.only_profile(server, "/users/3")
        self.assertEqual(doc["header"]["interface"], "asgi")
        self.assertIn("crunch_for_starlette", function_names(doc))
        self.assert_said_once(server, "Starlette app")

    def test_uvicorn_fastapi_with_reload(self):
        need("fastapi", "uvicorn")
        self.write("launched_fastapi_app.py", FASTAPI_APP)
        server = self.launch(["python", "-m", "uvicorn", "launched_fastapi_app:app", "--reload", "--port", "{port}"])
        status, body = server.get("/users/4")
        self.assertEqual(status, 200, body)
        doc = self.only_profile(server, "/users/4")
        self.assertNotEqual(doc["header"]["pid"], server.process.pid)  # uvicorn's reload worker served it
        self.assertIn("crunch_for_fastapi", function_names(doc))
        self.assert_said_once(server, "FastAPI app")

    def test_pserve(self):
        need("pyramid", "paste.deploy")
        pserve = shutil.which("pserve") or shutil.which("pserve3")
        if pserve is None:
            raise unittest.SkipTest("pserve not installed")
        self.write("launched_pyramid_app.py", PYRAMID_APP)
        self.write("development.ini", PYRAMID_INI)
        server = self.launch([os.path.basename(pserve), "development.ini", "http_port={port}"],
                             env=dict(os.environ, PYTHONPATH=self.tmp))
        status, body = server.get("/users/9")
        self.assertEqual((status, body), (200, ("user 9 " + EXPECTED_TOTAL).encode()))
        doc = self.only_profile(server, "/users/9")
        self.assertIn("crunch_for_pyramid", function_names(doc))
        self.assert_said_once(server, "Pyramid app")


if __name__ == "__main__":
    unittest.main()
