import os
import stat
import sys
import unittest

from request_profiler import ProfilerMiddleware

from .support import TempDirTestCase, call, first_line_header, function_names, load, make_environ, profile_files


class UserView:
    def get(self) -> bytes:
        return str(sum(i * i for i in range(5000))).encode()


def plain_app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "5"), ("Set-Cookie", "sid=abc")])
    return [UserView().get()[:5]]


def produce_chunk(n: int) -> bytes:
    return (b"%d," % sum(range(n * 1000)))


class StreamingBody:
    """A body that logs when each chunk is produced and whether close() was called."""

    def __init__(self, log, chunks=3, fail_at=None):
        self.log, self.chunks, self.fail_at = log, chunks, fail_at

    def __iter__(self):
        for i in range(self.chunks):
            if i == self.fail_at:
                raise RuntimeError("broken stream")
            self.log.append("produced %d" % i)
            yield produce_chunk(i + 1)

    def close(self):
        self.log.append("closed")


class WsgiMiddlewareTest(TempDirTestCase):
    def middleware(self, app, **options):
        mw = ProfilerMiddleware(app, profile_dir=self.profile_dir, **options)
        self.addCleanup(mw.writer.close) if mw.writer else None
        return mw

    def only_profile(self, mw):
        self.assertTrue(mw.writer.flush(10))
        files = profile_files(self.profile_dir)
        self.assertEqual(len(files), 1, files)
        return files[0], load(files[0])

    def test_the_request_is_recorded_as_it_arrived_whatever_the_app_does_to_the_environ(self):
        def rewriting_app(environ, start_response):
            environ["PATH_INFO"] = "/rewritten"  # routers and dispatchers do this
            environ["app.added"] = "later"
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok"]

        mw = self.middleware(rewriting_app)
        self.assertEqual(call(mw, make_environ("/original", HTTP_USER_AGENT="tester")), b"ok")
        _, doc = self.only_profile(mw)
        self.assertEqual(doc["header"]["path"], "/original")
        self.assertEqual(doc["request"]["path"], "/original")
        self.assertEqual(doc["environ"]["PATH_INFO"], "/original")
        self.assertNotIn("app.added", doc["environ"])
        self.assertIn(["User-Agent", "tester"], doc["request"]["headers"])

    def test_request_details_that_cannot_be_read_leave_a_note_not_a_lost_profile(self):
        class Unprintable:
            def __repr__(self):
                raise RuntimeError("no repr")

        class BrokenKey(str):
            def startswith(self, prefix, *args):
                raise RuntimeError("odd key")

        mw = self.middleware(plain_app)
        environ = make_environ("/odd")
        environ["app.object"] = Unprintable()
        environ[BrokenKey("X_ODD")] = "1"
        call(mw, environ)
        _, doc = self.only_profile(mw)
        self.assertTrue(doc["header"]["profiled"])
        self.assertTrue(any("could not be read" in note and "odd key" in note for note in doc["profile"]["notes"]),
                        doc["profile"]["notes"])

    def test_profile_holds_request_response_and_functions(self):
        mw = self.middleware(plain_app)
        environ = make_environ("/users/42", query="page=2&api_token=s3cret", HTTP_COOKIE="sid=abc",
                               HTTP_AUTHORIZATION="Bearer xyz", HTTP_X_API_KEY="k", HTTP_USER_AGENT="tester")
        environ["REMOTE_ADDR"] = "10.1.2.3"
        self.assertEqual(call(mw, environ), UserView().get()[:5])
        path, doc = self.only_profile(mw)
        header = doc["header"]
        self.assertEqual(first_line_header(path), header)
        self.assertEqual((header["method"], header["path"], header["status"]), ("GET", "/users/42", 200))
        self.assertEqual(header["query"], "page=2&api_token=[redacted]")
        self.assertEqual((header["contentType"], header["contentLength"], header["bytesSent"]), ("text/plain", 5, 5))
        self.assertTrue(header["profiled"])
        self.assertIsNone(header["skipReason"])
        self.assertEqual(header["interface"], "wsgi")
        self.assertEqual(header["pid"], os.getpid())
        self.assertGreater(header["wallMs"], 0)
        self.assertGreater(header["profiledMs"], 0)
        self.assertLessEqual(header["profiledMs"], header["wallMs"] * 1.05 + 1)
        self.assertEqual(header["functionCount"], len(doc["profile"]["functions"]))
        self.assertEqual(header["edgeCount"], len(doc["profile"]["edges"]))
        self.assertEqual(doc["request"]["remoteAddr"], "10.1.2.3")
        self.assertEqual(doc["request"]["scheme"], "http")
        headers = dict(doc["request"]["headers"])
        self.assertEqual(headers["Cookie"], "[redacted]")
        self.assertEqual(headers["Authorization"], "[redacted]")
        self.assertEqual(headers["X-Api-Key"], "[redacted]")
        self.assertEqual(headers["User-Agent"], "tester")
        self.assertEqual(dict(doc["response"]["headers"])["Set-Cookie"], "[redacted]")
        self.assertEqual(doc["response"]["statusLine"], "200 OK")
        self.assertEqual(doc["environ"]["HTTP_COOKIE"], "[redacted]")
        self.assertEqual(doc["environ"]["QUERY_STRING"], "page=2&api_token=[redacted]")
        self.assertEqual(doc["environ"]["PATH_INFO"], "/users/42")
        self.assertTrue(all(isinstance(v, str) for v in doc["environ"].values()))
        with open(path) as f:
            self.assertNotIn("s3cret", f.read())
        self.assertIsNone(doc["error"])
        self.assertEqual(doc["python"]["version"].split(".")[:2], [str(v) for v in sys.version_info[:2]])
        self.assertIn(os.getcwd(), doc["paths"]["cwd"])
        self.assertTrue(doc["paths"]["stdlib"])
        names = function_names(doc)
        self.assertIn("get", names)
        self.assertIn("plain_app", names)
        self.assertFalse([n for n in names if "disable" in n], names)

    def test_qualified_names_where_python_has_them(self):
        mw = self.middleware(plain_app)
        call(mw)
        _, doc = self.only_profile(mw)
        get = [f for f in doc["profile"]["functions"] if f["name"] == "get"][0]
        expected = "UserView.get" if sys.version_info >= (3, 11) else None
        self.assertEqual(get["qualname"], expected)
        self.assertEqual(get["file"], os.path.abspath(__file__).replace(".pyc", ".py"))

    def test_edges_are_consistent_with_functions(self):
        mw = self.middleware(plain_app)
        call(mw)
        _, doc = self.only_profile(mw)
        functions, edges = doc["profile"]["functions"], doc["profile"]["edges"]
        incoming = {}
        for caller, callee, cc, nc, tt, ct in edges:
            self.assertTrue(0 <= caller < len(functions) and 0 <= callee < len(functions))
            incoming[callee] = incoming.get(callee, 0) + nc
        for i, f in enumerate(functions):
            self.assertGreaterEqual(f["nc"], f["cc"])
            self.assertGreaterEqual(f["ct"] + 1e-9, f["tt"])
            if i in incoming:
                self.assertEqual(incoming[i], f["nc"], f["name"])
        genexpr = functions.index([f for f in functions if f["name"] == "<genexpr>"][0])
        self.assertTrue(any(e[1] == genexpr and e[3] == 5001 for e in edges))

    def test_streaming_body_is_profiled_while_iterated_and_not_buffered(self):
        log = []

        def app(environ, start_response):
            start_response("200 OK", [("Content-Type", "text/csv")])
            return StreamingBody(log)

        mw = self.middleware(app)
        result = mw(make_environ("/export"), lambda *a: None)
        self.assertEqual(log, [], "the body must not be consumed before the server iterates it")
        first = next(iter(result))
        self.assertEqual(log, ["produced 0"])
        rest = list(result)
        result.close()
        self.assertEqual(log, ["produced 0", "produced 1", "produced 2", "closed"])
        _, doc = self.only_profile(mw)
        produce = [f for f in doc["profile"]["functions"] if f["name"] == "produce_chunk"]
        self.assertEqual(produce[0]["nc"], 3)
        self.assertIn("close", function_names(doc))
        self.assertEqual(doc["header"]["bytesSent"], len(first) + sum(len(c) for c in rest))

    def stream_with_something_between_chunks(self, between, **options):
        """Serves a 3-chunk streaming body, running between() after the first chunk
        (outside the app's code, as a server sending it would); returns the body the
        client got and the profile."""
        log = []

        def app(environ, start_response):
            start_response("200 OK", [("Content-Type", "text/plain")])
            return StreamingBody(log)

        mw = self.middleware(app, **options)
        result = mw(make_environ("/export"), lambda *a: None)
        chunks = iter(result)
        body = [next(chunks)]
        with between():
            body.extend(chunks)
            result.close()
        _, doc = self.only_profile(mw)
        return b"".join(body), doc

    @unittest.skipUnless(sys.version_info >= (3, 12), "one profiler per process only on 3.12+")
    def test_a_body_chunk_that_cannot_get_the_profiler_runs_unprofiled_and_the_notes_count_it(self):
        import contextlib
        import threading
        from request_profiler.recording.gate import GATE

        @contextlib.contextmanager
        def another_request_recording():
            taken, done = threading.Event(), threading.Event()

            def hold():
                if GATE.acquire(10) is None:
                    taken.set()
                    done.wait(10)
                    GATE.release()

            holder = threading.Thread(target=hold, daemon=True)
            holder.start()
            self.assertTrue(taken.wait(10))
            try:
                yield
            finally:
                done.set()
                holder.join()

        body, doc = self.stream_with_something_between_chunks(another_request_recording, max_wait_s=0.05)
        self.assertEqual(body, produce_chunk(1) + produce_chunk(2) + produce_chunk(3))
        self.assertTrue(doc["header"]["profiled"])
        produce = [f for f in doc["profile"]["functions"] if f["name"] == "produce_chunk"]
        self.assertEqual(produce[0]["nc"], 1)
        # Two chunks, the end of the body, and close().
        self.assertIn("4 stretch(es) of app code after the app call (body chunks, close()) ran unprofiled: busy: ",
                      "\n".join(doc["profile"]["notes"]))

    @unittest.skipUnless(sys.version_info >= (3, 12), "sys.monitoring's profiler slot only on 3.12+")
    def test_a_profiler_slot_taken_between_chunks_never_reaches_the_server(self):
        import contextlib
        monitoring = sys.monitoring

        @contextlib.contextmanager
        def another_tool_in_the_profiler_slot():
            monitoring.use_tool_id(monitoring.PROFILER_ID, "someone else")
            try:
                yield
            finally:
                monitoring.free_tool_id(monitoring.PROFILER_ID)

        body, doc = self.stream_with_something_between_chunks(another_tool_in_the_profiler_slot)
        self.assertEqual(body, produce_chunk(1) + produce_chunk(2) + produce_chunk(3))
        self.assertIn("ran unprofiled: another profiling tool is active in this process",
                      "\n".join(doc["profile"]["notes"]))

    def test_exception_while_streaming_is_recorded_and_close_still_called(self):
        log = []

        def app(environ, start_response):
            start_response("200 OK", [("Content-Type", "text/plain")])
            return StreamingBody(log, fail_at=1)

        mw = self.middleware(app)
        with self.assertRaises(RuntimeError):
            call(mw)
        self.assertEqual(log[-1], "closed")
        _, doc = self.only_profile(mw)
        self.assertEqual(doc["header"]["error"], "RuntimeError")
        self.assertEqual(doc["error"]["message"], "broken stream")
        self.assertIn('raise RuntimeError("broken stream")', doc["error"]["traceback"])

    def test_app_raising_before_start_response(self):
        def app(environ, start_response):
            raise KeyError("missing")

        mw = self.middleware(app)
        with self.assertRaises(KeyError):
            call(mw)
        _, doc = self.only_profile(mw)
        self.assertIsNone(doc["header"]["status"])
        self.assertEqual(doc["header"]["error"], "KeyError")
        self.assertIn("raise KeyError", doc["error"]["traceback"])

    def test_legacy_write_bytes_are_counted(self):
        def app(environ, start_response):
            write = start_response("200 OK", [("Content-Type", "text/plain")])
            write(b"hello ")
            return [b"world"]

        mw = self.middleware(app)
        self.assertEqual(call(mw), b"hello world")
        _, doc = self.only_profile(mw)
        self.assertEqual(doc["header"]["bytesSent"], 11)

    def test_list_results_keep_their_length_for_the_server(self):
        mw = self.middleware(plain_app)
        result = mw(make_environ(), lambda *a: None)
        self.assertEqual(len(result), 1)
        list(result)
        result.close()

    def test_files_are_owner_only_in_an_owner_only_directory(self):
        mw = self.middleware(plain_app, write_prof=True)
        call(mw)
        path, _ = self.only_profile(mw)
        self.assertEqual(stat.S_IMODE(os.stat(self.profile_dir).st_mode), 0o700)
        stem = path[: -len(".rprof.json")]
        for suffix in (".rprof.json", ".dot", ".prof"):
            self.assertEqual(stat.S_IMODE(os.stat(stem + suffix).st_mode), 0o600, suffix)
        self.assertEqual([n for n in os.listdir(self.profile_dir) if n.startswith(".")], [])

    def test_file_name_is_sortable_and_describes_the_request(self):
        mw = self.middleware(plain_app)
        call(mw, make_environ("/a/very/long/path/with spaces/and/more/segments/than/forty/characters", method="POST"))
        path, doc = self.only_profile(mw)
        name = os.path.basename(path)
        stamp, method, rest = name.split("-", 2)
        self.assertRegex(stamp, r"^\d{8}T\d{6}\.\d{6}$")
        self.assertEqual(method, "POST")
        slug = rest.rsplit("-", 2)[0]
        self.assertLessEqual(len(slug), 40)
        self.assertRegex(slug, r"^[A-Za-z0-9_.]+$")
        self.assertEqual(rest.rsplit("-", 2)[1], str(os.getpid()))
        self.assertEqual(doc["header"]["id"], name[: -len(".rprof.json")])

    def test_env_switch_turns_it_into_a_pass_through(self):
        os.environ["REQUEST_PROFILER"] = "0"
        mw = ProfilerMiddleware(plain_app, profile_dir=self.profile_dir)
        self.assertIsNone(mw.writer)
        result = mw(make_environ(), lambda *a: None)
        self.assertIsInstance(result, list)  # the app's own object, untouched
        self.assertFalse(os.path.exists(self.profile_dir))

    def test_env_dir_overrides_the_configured_directory(self):
        other = os.path.join(self.tmp, "from-env")
        os.environ["REQUEST_PROFILER_DIR"] = other
        mw = ProfilerMiddleware(plain_app, profile_dir=self.profile_dir)
        self.addCleanup(mw.writer.close)
        call(mw)
        mw.writer.flush()
        self.assertEqual(len(profile_files(other)), 1)
        self.assertEqual(profile_files(self.profile_dir), [])

    def test_dot_graph_beside_profile_unless_disabled(self):
        mw = self.middleware(plain_app)
        call(mw)
        path, _ = self.only_profile(mw)
        with open(path[: -len(".rprof.json")] + ".dot") as f:
            graph = f.read()
        self.assertTrue(graph.startswith("digraph {"))
        self.assertIn("UserView.get" if sys.version_info >= (3, 11) else ":get", graph)
        off = os.path.join(self.tmp, "nodot")
        mw2 = ProfilerMiddleware(plain_app, profile_dir=off, write_dot="false")
        self.addCleanup(mw2.writer.close)
        call(mw2)
        mw2.writer.flush()
        self.assertEqual([n for n in os.listdir(off) if n.endswith(".dot")], [])


class ClientHangUpTest(TempDirTestCase):
    """A client that goes away mid-stream must not leave a profile that reads as a
    normal 200: wsgiref, a real socket, a client that resets the connection."""

    def serve(self, app):
        import threading
        from wsgiref.simple_server import WSGIRequestHandler, make_server

        class Quiet(WSGIRequestHandler):
            def log_message(self, *args):
                pass

        mw = ProfilerMiddleware(app, profile_dir=self.profile_dir)
        self.addCleanup(mw.writer.close)
        server = make_server("127.0.0.1", 0, mw, handler_class=Quiet)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        return mw, server.server_address[1]

    def only_doc(self, mw):
        self.assertTrue(mw.writer.flush(10))
        (path,) = profile_files(self.profile_dir)
        return load(path)

    def test_a_client_hanging_up_mid_stream_is_recorded(self):
        import socket
        import struct
        import threading
        body_closed = threading.Event()

        def chunks():
            try:
                for i in range(200):
                    time.sleep(0.01)
                    yield b"%04d" % i + b"." * 1020
            finally:
                body_closed.set()

        def app(environ, start_response):
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok"] if environ["PATH_INFO"] == "/after" else chunks()

        import time
        mw, port = self.serve(app)
        client = socket.create_connection(("127.0.0.1", port), timeout=10)
        client.sendall(b"GET /feed HTTP/1.0\r\nHost: test\r\n\r\n")
        received = b""
        while b"0002" not in received:
            received += client.recv(4096)
        # Reset, not a polite FIN: the server's next writes fail at once.
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()
        self.assertTrue(body_closed.wait(10), "the server never closed the body")
        # wsgiref serves one request at a time: once this one is answered, the hung-up
        # one is finished and its profile submitted.
        from .support import http_get
        self.assertEqual(http_get(port, "/after")[0], 200)
        # The client has the whole response before wsgiref calls close(), which submits
        # the profile: wait for both to be submitted before flushing the writer.
        deadline = time.monotonic() + 10
        while mw.writer.offered < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertTrue(mw.writer.flush(10))
        docs = {doc["header"]["path"]: doc for doc in map(load, profile_files(self.profile_dir))}
        self.assertIs(docs["/after"]["header"]["clientDisconnected"], False)
        doc = docs["/feed"]
        self.assertEqual(doc["header"]["status"], 200)
        self.assertIs(doc["header"]["clientDisconnected"], True)
        self.assertIn("the server closed the response before the end of its body", doc["response"]["disconnect"])
        self.assertLess(doc["header"]["bytesSent"], 200 * 1024)
        self.assertIsNone(doc["error"])

    def test_a_complete_stream_is_not_taken_for_a_hang_up(self):
        from .support import http_get

        def app(environ, start_response):
            start_response("200 OK", [("Content-Type", "text/plain")])
            return (b"%d," % i for i in range(50))

        mw, port = self.serve(app)
        status, body = http_get(port, "/feed")
        self.assertEqual((status, body), (200, b"".join(b"%d," % i for i in range(50))))
        doc = self.only_doc(mw)
        self.assertIs(doc["header"]["clientDisconnected"], False)
        self.assertIsNone(doc["response"]["disconnect"])

    def test_a_write_to_a_gone_client_is_recorded_and_still_raised(self):
        def app(environ, start_response):
            write = start_response("200 OK", [("Content-Type", "text/plain")])
            write(b"first")
            write(b"second")
            return []

        def start_response(status, headers, exc_info=None):
            def write(data):
                if data == b"second":
                    raise BrokenPipeError(32, "Broken pipe")
            return write

        mw = ProfilerMiddleware(app, profile_dir=self.profile_dir)
        self.addCleanup(mw.writer.close)
        with self.assertRaises(BrokenPipeError):
            mw(make_environ("/legacy"), start_response)
        doc = self.only_doc(mw)
        self.assertIs(doc["header"]["clientDisconnected"], True)
        self.assertEqual(doc["response"]["disconnect"], "writing to the client failed: BrokenPipeError: [Errno 32] "
                         "Broken pipe (2 body chunk(s), 11 bytes, produced by then)")


if __name__ == "__main__":
    unittest.main()
