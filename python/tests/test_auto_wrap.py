"""What `run` does inside the app's process, on stand-in framework classes: the
middleware is made at an app's first call, a request is recorded once however apps
and middlewares are nested, and failures leave the app serving unprofiled."""

import asyncio
import importlib
import io
import os
import shutil
import sys
import tempfile
import textwrap
import unittest
from contextlib import redirect_stderr

from request_profiler import ASGIProfilerMiddleware, ProfilerMiddleware
from request_profiler.run import auto_wrap
from request_profiler.run.import_hooks import patch_after_import

from .support import TempDirTestCase, call, function_names, load, make_environ, profile_files


def crunch():
    return sum(i * i for i in range(5000))


def stand_in_classes():
    """Fresh classes per test: patching is per class."""

    class WsgiApp:
        def __init__(self, inner=None):
            self.inner = inner

        def __call__(self, environ, start_response):
            if self.inner is not None:
                return self.inner(environ, start_response)
            crunch()
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok"]

    class AsgiApp:
        def __init__(self, inner=None):
            self.inner = inner

        async def __call__(self, scope, receive, send):
            if self.inner is not None:
                await self.inner(scope, receive, send)
                return
            crunch()
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"ok"})

    return WsgiApp, AsgiApp


def http_scope(path="/a"):
    return {"type": "http", "method": "GET", "path": path, "query_string": b"", "headers": [], "scheme": "http"}


async def receive():
    return {"type": "http.request", "body": b"", "more_body": False}


async def discard(message):
    pass


class AutoWrapTest(TempDirTestCase):
    def setUp(self):
        super().setUp()
        saved = dict(auto_wrap.OPTIONS)
        self.addCleanup(lambda: (auto_wrap.OPTIONS.clear(), auto_wrap.OPTIONS.update(saved)))
        auto_wrap.OPTIONS.clear()
        auto_wrap.OPTIONS.update(profile_dir=self.profile_dir)
        self.WsgiApp, self.AsgiApp = stand_in_classes()
        self.stderr = io.StringIO()
        redirect = redirect_stderr(self.stderr)
        redirect.__enter__()
        self.addCleanup(redirect.__exit__, None, None, None)

    def written(self, *apps):
        for app in apps:
            middleware = app.__dict__.get("_request_profiler_middleware")
            if middleware:
                self.addCleanup(middleware.writer.close)
                self.assertTrue(middleware.writer.flush(10))
        return [load(p) for p in profile_files(self.profile_dir)]

    def test_the_middleware_is_made_at_the_first_call_and_kept(self):
        auto_wrap.wrap_wsgi_class(self.WsgiApp, lambda app: "stand-in app")
        app = self.WsgiApp()
        self.assertNotIn("_request_profiler_middleware", app.__dict__)
        self.assertEqual(call(app, make_environ("/one")), b"ok")
        middleware = app.__dict__["_request_profiler_middleware"]
        self.assertEqual(call(app, make_environ("/two")), b"ok")
        self.assertIs(app.__dict__["_request_profiler_middleware"], middleware)
        docs = self.written(app)
        self.assertEqual(sorted(d["header"]["path"] for d in docs), ["/one", "/two"])
        self.assertTrue(all("crunch" in function_names(d) for d in docs))
        self.assertEqual(self.stderr.getvalue().count("request_profiler: profiling stand-in app (process %d) into "
                                                      % os.getpid()), 1)

    def test_patching_twice_changes_nothing(self):
        auto_wrap.wrap_wsgi_class(self.WsgiApp, lambda app: "stand-in app")
        patched = self.WsgiApp.__call__
        auto_wrap.wrap_wsgi_class(self.WsgiApp, lambda app: "stand-in app")
        self.assertIs(self.WsgiApp.__call__, patched)

    def test_a_hooked_app_inside_another_is_recorded_once(self):
        auto_wrap.wrap_wsgi_class(self.WsgiApp, lambda app: "stand-in app")
        outer = self.WsgiApp(self.WsgiApp())
        self.assertEqual(call(outer, make_environ("/nested")), b"ok")
        docs = self.written(outer, outer.inner)
        self.assertEqual([(d["header"]["path"], d["header"]["profiled"]) for d in docs], [("/nested", True)])
        self.assertNotIn("_request_profiler_middleware", outer.inner.__dict__)

    def test_the_apps_own_middleware_further_out_is_left_to_record_even_what_it_skips(self):
        auto_wrap.wrap_wsgi_class(self.WsgiApp, lambda app: "stand-in app")
        app = self.WsgiApp()
        own = ProfilerMiddleware(app, profile_dir=self.profile_dir, ignore_paths="^/ignored$")
        self.addCleanup(own.writer.close)
        self.assertEqual(call(own, make_environ("/mine")), b"ok")
        self.assertEqual(call(own, make_environ("/ignored")), b"ok")
        self.assertTrue(own.writer.flush(10))
        docs = self.written(app)
        self.assertEqual([(d["header"]["path"], d["header"]["profiled"]) for d in docs], [("/mine", True)])
        self.assertNotIn("_request_profiler_middleware", app.__dict__)

    def test_an_app_that_profiles_itself_is_left_alone(self):
        auto_wrap.wrap_wsgi_class(self.WsgiApp, lambda app: "stand-in app",
                                  lambda app: isinstance(app.inner, ProfilerMiddleware))
        app = self.WsgiApp()
        app.inner = ProfilerMiddleware(self.WsgiApp(), profile_dir=self.profile_dir)
        self.addCleanup(app.inner.writer.close)
        self.assertEqual(call(app, make_environ("/self")), b"ok")
        self.assertTrue(app.inner.writer.flush(10))
        self.assertEqual([d["header"]["profiled"] for d in self.written(app)], [True])
        self.assertIn("installs the profiler middleware itself", self.stderr.getvalue())

    def test_asgi_nested_apps_and_child_tasks_are_recorded_once(self):
        auto_wrap.wrap_asgi_class(self.AsgiApp, lambda app: "stand-in asgi app")
        inner = self.AsgiApp()

        class ChildTaskApp:  # like BaseHTTPMiddleware: the rest of the app runs in a new task
            async def __call__(self, scope, receive, send):
                await asyncio.ensure_future(inner(scope, receive, send))

        outer = self.AsgiApp(ChildTaskApp())
        asyncio.run(outer(http_scope("/asgi"), receive, discard))
        asyncio.run(outer({"type": "lifespan"}, receive, discard))
        docs = self.written(outer, inner)
        self.assertEqual([(d["header"]["path"], d["header"]["interface"]) for d in docs], [("/asgi", "asgi")])
        self.assertIn("crunch", function_names(docs[0]))
        self.assertNotIn("_request_profiler_middleware", inner.__dict__)

    def test_asgi_app_behind_its_own_middleware_is_recorded_once(self):
        auto_wrap.wrap_asgi_class(self.AsgiApp, lambda app: "stand-in asgi app")
        app = self.AsgiApp()
        own = ASGIProfilerMiddleware(app, profile_dir=self.profile_dir)
        self.addCleanup(own.writer.close)
        asyncio.run(own(http_scope("/own"), receive, discard))
        self.assertTrue(own.writer.flush(10))
        self.assertEqual([d["header"]["path"] for d in self.written(app)], ["/own"])
        self.assertNotIn("_request_profiler_middleware", app.__dict__)

    def test_a_middleware_that_cannot_be_made_warns_once_and_the_app_serves(self):
        auto_wrap.OPTIONS["no_such_option"] = "1"
        auto_wrap.wrap_wsgi_class(self.WsgiApp, lambda app: "stand-in app")
        app = self.WsgiApp()
        with self.assertLogs("request_profiler", "WARNING") as logs:
            for _ in range(3):
                self.assertEqual(call(app, make_environ("/x")), b"ok")
        self.assertEqual(len(logs.records), 1)
        self.assertIn("runs unprofiled", logs.output[0])
        self.assertEqual(profile_files(self.profile_dir), [])


class ImportHookTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="rp-hook-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        sys.path.insert(0, self.tmp)
        self.addCleanup(sys.path.remove, self.tmp)

    def module(self, name, source):
        with open(os.path.join(self.tmp, name + ".py"), "w") as f:
            f.write(textwrap.dedent(source))
        self.addCleanup(sys.modules.pop, name, None)
        importlib.invalidate_caches()

    def hook(self, patches):
        finder = patch_after_import(patches)
        if finder is not None:
            self.addCleanup(lambda: finder in sys.meta_path and sys.meta_path.remove(finder))
        return finder

    def test_patch_runs_after_the_module_code_and_only_once(self):
        self.module("rp_hooked_a", "VALUE = 1\n")
        seen = []
        self.hook({"rp_hooked_a": lambda m: seen.append(m.VALUE)})
        import rp_hooked_a  # noqa: F401
        self.assertEqual(seen, [1])
        self.assertNotIn("exec_module", rp_hooked_a.__loader__.__dict__)  # the loader is as it was
        del sys.modules["rp_hooked_a"]
        importlib.import_module("rp_hooked_a")
        self.assertEqual(seen, [1])

    def test_a_module_imported_already_is_patched_at_once(self):
        self.module("rp_hooked_b", "VALUE = 2\n")
        importlib.import_module("rp_hooked_b")
        seen = []
        self.assertIsNone(self.hook({"rp_hooked_b": lambda m: seen.append(m.VALUE)}))
        self.assertEqual(seen, [2])

    def test_a_failing_patch_is_logged_and_the_import_succeeds(self):
        self.module("rp_hooked_c", "VALUE = 3\n")

        def broken(module):
            raise AttributeError("no such class in this version")

        self.hook({"rp_hooked_c": broken})
        with self.assertLogs("request_profiler", "WARNING") as logs:
            module = importlib.import_module("rp_hooked_c")
        self.assertEqual(module.VALUE, 3)
        self.assertIn("could not hook into rp_hooked_c", logs.output[0])
        self.assertIn("not profiled", logs.output[0])

    def test_a_module_that_fails_to_import_still_fails_and_is_not_patched(self):
        self.module("rp_hooked_d", "raise ImportError('broken on purpose')\n")
        seen = []
        self.hook({"rp_hooked_d": seen.append})
        with self.assertRaises(ImportError):
            importlib.import_module("rp_hooked_d")
        self.assertEqual(seen, [])


if __name__ == "__main__":
    unittest.main()
