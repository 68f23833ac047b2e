"""No odd value may cost a profile: lone surrogates (what surrogateescape makes of a
non-UTF-8 file name or request byte), noncharacters and control characters in the path,
query, headers, environ, function names and file names. The profile is written, and
so are its side files."""

import asyncio
import json
import marshal
import os
import unittest

from request_profiler import ASGIProfilerMiddleware, ProfilerMiddleware

from .support import TempDirTestCase, call, load, make_environ, profile_files

ODD = "\udce9\ud800\ufffe\uffff\x00\x1b\u202e"


def odd_function():
    """A function whose file name is not valid UTF-8 (a module on a latin-1 file system)
    and whose code name holds a lone surrogate."""
    namespace = {}
    exec(compile("def work():\n    return sum(i * i for i in range(2000))\n", "/srv/app/mod\udce9%s.py" % ODD.replace("\x00", ""), "exec"),
         namespace)
    work = namespace["work"]
    work.__code__ = work.__code__.replace(co_name="work" + ODD)
    return work


class OddTextTest(TempDirTestCase):
    def assert_complete(self, count):
        profiles = profile_files(self.profile_dir)
        self.assertEqual(len(profiles), count)
        for path in profiles:
            stem = path[: -len(".rprof.json")]
            doc = load(path)
            self.assertTrue(doc["header"]["profiled"])
            for suffix in (".dot", ".prof"):
                self.assertTrue(os.path.exists(stem + suffix), suffix)
            with open(stem + ".dot", "rb") as f:
                dot = f.read().decode("utf-8")  # strict: valid UTF-8
            self.assertNotIn("\ufffe", dot)
            self.assertNotIn("\uffff", dot)
            with open(stem + ".prof", "rb") as f:
                self.assertTrue(marshal.loads(f.read()))
        return [load(p) for p in profiles]

    def test_wsgi_odd_path_query_headers_and_function_names(self):
        work = odd_function()

        def app(environ, start_response):
            work()
            start_response("200 OK", [("X-Odd", "v" + ODD), ("Content-Type", "text/plain")])
            return [b"ok"]

        mw = ProfilerMiddleware(app, profile_dir=self.profile_dir, write_prof=True, dot_node_threshold=0)
        self.addCleanup(mw.writer.close)
        for path, query, header in (("/caf\udce9" + ODD, "", "plain"), ("/q", "x=" + ODD, "plain"),
                                    ("/h", "", "h" + ODD)):
            environ = make_environ(path, query=query, HTTP_X_ODD=header)
            environ["odd.key" + ODD] = ODD
            self.assertEqual(call(mw, environ), b"ok")
        self.assertTrue(mw.writer.flush(10))
        docs = self.assert_complete(3)
        self.assertTrue(any(f["file"].startswith("/srv/app/mod") for f in docs[0]["profile"]["functions"]))

    def test_asgi_path_with_a_lone_surrogate(self):
        work = odd_function()

        async def app(scope, receive, send):
            work()
            await send({"type": "http.response.start", "status": 200, "headers": [(b"x-odd", b"\xe9\xff")]})
            await send({"type": "http.response.body", "body": b"ok"})

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def ignore(message):
            pass

        mw = ASGIProfilerMiddleware(app, profile_dir=self.profile_dir, write_prof=True, dot_node_threshold=0)
        self.addCleanup(mw.writer.close)
        for path in ("/caf\udce9", "/x" + ODD, "/plain"):
            scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
                     "scheme": "http", "path": path, "raw_path": path.encode("utf-8", "surrogatepass"),
                     "query_string": b"a=\xe9\xff", "root_path": "", "headers": [(b"host", b"h"), (b"x-odd", b"\xff")],
                     "client": ("127.0.0.1", 1), "server": ("h", 80)}
            asyncio.run(mw(scope, receive, ignore))
        self.assertTrue(mw.writer.flush(10))
        docs = self.assert_complete(3)
        self.assertEqual(sorted(d["header"]["path"] for d in docs), sorted(["/caf\udce9", "/x" + ODD, "/plain"]))

    def test_profile_text_is_json_that_strict_readers_accept(self):
        mw = ProfilerMiddleware(lambda e, s: (s("200 OK", []), [b""])[1], profile_dir=self.profile_dir)
        self.addCleanup(mw.writer.close)
        call(mw, make_environ("/caf\udce9"))
        self.assertTrue(mw.writer.flush(10))
        with open(profile_files(self.profile_dir)[0], "rb") as f:
            data = f.read()
        data.decode("ascii")  # surrogates are written as \\u escapes
        self.assertEqual(json.loads(data)["header"]["path"], "/caf\udce9")


if __name__ == "__main__":
    unittest.main()
