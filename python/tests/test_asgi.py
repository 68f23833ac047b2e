import asyncio
import time
import unittest

from request_profiler import ASGIProfilerMiddleware

from .support import TempDirTestCase, function_names, load, profile_files


def scope_for(path, query=b"", headers=None):
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
            "path": path, "raw_path": path.encode(), "query_string": query, "root_path": "",
            "headers": headers or [(b"host", b"testserver")], "client": ("127.0.0.1", 5000),
            "server": ("testserver", 80)}


async def receive():
    return {"type": "http.request", "body": b"", "more_body": False}


class Collector:
    def __init__(self):
        self.messages = []

    async def __call__(self, message):
        self.messages.append(message)


def crunch_for_a():
    return sum(i * i for i in range(20000))


def crunch_for_b():
    return sum(i * 3 for i in range(20000))


async def respond(send, body, status=200):
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain"), (b"set-cookie", b"sid=1")]})
    await send({"type": "http.response.body", "body": body, "more_body": True})
    await send({"type": "http.response.body", "body": b"!"})


async def handler_a(scope, receive, send):
    for _ in range(3):
        crunch_for_a()
        await asyncio.sleep(0.01)
    await respond(send, b"a")


async def handler_b(scope, receive, send):
    for _ in range(3):
        crunch_for_b()
        await asyncio.sleep(0.01)
    await respond(send, b"bb")


async def router(scope, receive, send):
    if scope["type"] != "http":
        scope["seen_by_app"] = (receive, send)
        return
    if scope["path"] == "/a":
        await handler_a(scope, receive, send)
    elif scope["path"] == "/b":
        await handler_b(scope, receive, send)
    elif scope["path"] == "/boom":
        await asyncio.sleep(0)
        raise ValueError("boom")
    elif scope["path"] == "/spawn":
        child = asyncio.ensure_future(child_work())
        scope["request_ended"] = asyncio.Event()
        scope["late"] = asyncio.ensure_future(outliving_work(scope["request_ended"]))
        await child
        await respond(send, b"spawned")
    else:
        await asyncio.sleep(10)


def crunch_in_child():
    return sum(i for i in range(20000))


def crunch_after_the_request():
    return sum(i for i in range(20000))


async def child_work():
    await asyncio.sleep(0.005)
    crunch_in_child()


async def outliving_work(request_ended):
    # Waits for the test to say the request is over. A timer ("sleep 50 ms, the request
    # will be done by then") is not enough: a stalled loop (a loaded machine) makes this
    # task's timer due in the same loop iteration as child_work's, and it then runs
    # before the request's task is resumed, i.e. while the request is still open, where
    # recording its work is right.
    await request_ended.wait()
    crunch_after_the_request()


class AsgiMiddlewareTest(TempDirTestCase):
    def middleware(self, **options):
        mw = ASGIProfilerMiddleware(router, profile_dir=self.profile_dir, **options)
        self.addCleanup(mw.writer.close)
        return mw

    def profiles(self, mw):
        self.assertTrue(mw.writer.flush(10))
        return {load(p)["header"]["path"]: load(p) for p in profile_files(self.profile_dir)}

    def test_profile_of_one_request(self):
        mw = self.middleware()
        sent = Collector()
        asyncio.run(mw(scope_for("/a", b"x=1&token=t", [(b"host", b"h"), (b"cookie", b"c=1")]), receive, sent))
        self.assertEqual([m["type"] for m in sent.messages], ["http.response.start", "http.response.body", "http.response.body"])
        doc = self.profiles(mw)["/a"]
        header = doc["header"]
        self.assertEqual((header["interface"], header["status"], header["bytesSent"]), ("asgi", 200, 2))
        self.assertEqual(header["query"], "x=1&token=[redacted]")
        self.assertEqual(header["contentType"], "text/plain")
        self.assertEqual(doc["response"]["statusLine"], "200 OK")
        self.assertEqual(dict(doc["response"]["headers"])["set-cookie"], "[redacted]")
        self.assertEqual(dict(doc["request"]["headers"])["cookie"], "[redacted]")
        self.assertEqual(doc["environ"]["headers.cookie"], "[redacted]")
        self.assertEqual(doc["request"]["host"], "h")
        # Three 10 ms sleeps are in the wall time, not in the profiled time.
        self.assertGreater(header["wallMs"], 30)
        self.assertLess(header["profiledMs"], header["wallMs"])
        self.assertTrue(any(n.startswith("asgi:") for n in doc["profile"]["notes"]))
        crunch = [f for f in doc["profile"]["functions"] if f["name"] == "crunch_for_a"][0]
        self.assertEqual(crunch["nc"], 3)
        self.assertFalse([n for n in function_names(doc) if "disable" in n or n == "_end"])

    def test_concurrent_requests_on_one_loop_each_hold_only_their_own_work(self):
        mw = self.middleware()

        async def both():
            await asyncio.gather(*(mw(scope_for(p), receive, Collector()) for p in ("/a", "/b", "/a", "/b")))

        asyncio.run(both())
        self.assertTrue(mw.writer.flush(10))
        docs = [load(p) for p in profile_files(self.profile_dir)]
        self.assertEqual(len(docs), 4)
        for doc in docs:
            names = set(function_names(doc))
            mine, other = ("a", "b") if doc["header"]["path"] == "/a" else ("b", "a")
            self.assertTrue(doc["header"]["profiled"])
            self.assertIn("handler_" + mine, names)
            self.assertIn("crunch_for_" + mine, names)
            self.assertNotIn("handler_" + other, names)
            self.assertNotIn("crunch_for_" + other, names)

    def test_lifespan_and_websocket_pass_through_untouched(self):
        mw = self.middleware()
        for kind in ("lifespan", "websocket"):
            scope = {"type": kind}
            sent = Collector()
            asyncio.run(mw(scope, receive, sent))
            self.assertEqual(scope["seen_by_app"], (receive, sent))
        self.assertEqual(profile_files(self.profile_dir), [])

    def test_a_profiler_that_fails_to_start_leaves_the_steps_unprofiled_not_the_request_failed(self):
        from unittest import mock
        from request_profiler.recording import recorder
        from request_profiler.recording.recorder import Recorder
        mw = self.middleware()
        sent = Collector()
        with mock.patch.object(Recorder, "start", side_effect=RuntimeError("no monitoring here")), \
                mock.patch.object(recorder, "_start_failures_logged", set()), \
                self.assertLogs("request_profiler", "ERROR") as logs:
            asyncio.run(mw(scope_for("/a"), receive, sent))
        self.assertEqual(sent.messages[0]["status"], 200)
        self.assertEqual(len(logs.records), 1, "once, not once per step")
        header = self.profiles(mw)["/a"]["header"]
        self.assertFalse(header["profiled"])
        self.assertEqual(header["skipReason"], "the profiler could not be started (RuntimeError: no monitoring here)")

    def test_exception_is_recorded_and_raised(self):
        mw = self.middleware()
        with self.assertRaises(ValueError):
            asyncio.run(mw(scope_for("/boom"), receive, Collector()))
        doc = self.profiles(mw)["/boom"]
        self.assertEqual(doc["header"]["error"], "ValueError")
        self.assertIsNone(doc["header"]["status"])
        self.assertIn('raise ValueError("boom")', doc["error"]["traceback"])

    def test_cancellation_reaches_the_app_and_the_profile_is_still_written(self):
        mw = self.middleware()

        async def cancel_soon():
            task = asyncio.ensure_future(mw(scope_for("/hang"), receive, Collector()))
            await asyncio.sleep(0.02)
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                return "cancelled"

        self.assertEqual(asyncio.run(cancel_soon()), "cancelled")
        doc = self.profiles(mw)["/hang"]
        self.assertEqual(doc["header"]["error"], "CancelledError")

    def test_tasks_the_request_starts_are_profiled_until_it_ends(self):
        mw = self.middleware()

        async def serve_then_linger():
            # The stall a loaded machine causes, soon after the request starts: it must not
            # change what the profile holds.
            asyncio.get_running_loop().call_later(0.001, time.sleep, 0.06)
            scope = scope_for("/spawn")
            await mw(scope, receive, Collector())
            scope["request_ended"].set()
            await scope["late"]  # runs only after the request: not in its profile
            return scope["late"].done()

        self.assertTrue(asyncio.run(serve_then_linger()))
        names = function_names(self.profiles(mw)["/spawn"])
        self.assertIn("crunch_in_child", names)
        self.assertIn("child_work", names)
        self.assertNotIn("crunch_after_the_request", names)

    def test_child_tasks_can_be_left_out(self):
        mw = self.middleware(profile_child_tasks=False)
        asyncio.run(mw(scope_for("/spawn"), receive, Collector()))
        doc = self.profiles(mw)["/spawn"]
        self.assertNotIn("crunch_in_child", function_names(doc))
        self.assertIn("tasks started by this request were not profiled", doc["profile"]["notes"])

    def test_ignored_path_is_passed_through(self):
        mw = self.middleware(ignore_paths="^/a$")
        asyncio.run(mw(scope_for("/a"), receive, Collector()))
        self.assertEqual(self.profiles(mw), {})


async def feed(scope, receive, send):
    """Streams until the client goes away, watching receive() for http.disconnect as
    Starlette's StreamingResponse does."""
    gone = asyncio.Event()

    async def watch():
        while (await receive())["type"] != "http.disconnect":
            pass
        gone.set()

    watcher = asyncio.ensure_future(watch())
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/event-stream")]})
    for i in range(100):
        if gone.is_set():
            break
        await send({"type": "http.response.body", "body": b"data: %d\n\n" % i, "more_body": True})
        await asyncio.sleep(0.005)
    else:
        await send({"type": "http.response.body", "body": b""})
    watcher.cancel()


class ClientGone(OSError):
    """What uvicorn raises from send() once the client has disconnected."""


class AsgiClientHangUpTest(TempDirTestCase):
    def run_feed(self, receive, send):
        mw = ASGIProfilerMiddleware(feed, profile_dir=self.profile_dir)
        self.addCleanup(mw.writer.close)
        failure = None
        try:
            asyncio.run(mw(scope_for("/feed"), receive, send))
        except OSError as exc:
            failure = exc
        self.assertTrue(mw.writer.flush(10))
        (path,) = profile_files(self.profile_dir)
        return load(path), failure

    def test_an_http_disconnect_before_the_last_body_message_is_recorded(self):
        sent = Collector()
        requested = [False]

        async def hangs_up_after_three_chunks():
            if not requested[0]:
                requested[0] = True
                return {"type": "http.request", "body": b"", "more_body": False}
            while len([m for m in sent.messages if m["type"] == "http.response.body"]) < 3:
                await asyncio.sleep(0.001)
            return {"type": "http.disconnect"}

        doc, failure = self.run_feed(hangs_up_after_three_chunks, sent)
        self.assertIsNone(failure)
        self.assertEqual(doc["header"]["status"], 200)
        self.assertIs(doc["header"]["clientDisconnected"], True)
        self.assertTrue(doc["response"]["disconnect"].startswith(
            "the client disconnected before the response was complete (http.disconnect) (3 body chunk(s)"),
            doc["response"]["disconnect"])

    def test_a_send_that_raises_because_the_client_is_gone_is_recorded(self):
        async def send(message):
            if message["type"] == "http.response.body" and message["body"].startswith(b"data: 4"):
                raise ClientGone("the client disconnected")

        asked = [False]

        async def never_disconnects():
            if asked[0]:
                await asyncio.sleep(3600)
            asked[0] = True
            return {"type": "http.request", "body": b"", "more_body": False}

        doc, failure = self.run_feed(never_disconnects, send)
        self.assertIsInstance(failure, ClientGone)
        self.assertIs(doc["header"]["clientDisconnected"], True)
        self.assertEqual(doc["response"]["disconnect"], "sending to the client failed: ClientGone: the client "
                         "disconnected (5 body chunk(s), 45 bytes, produced by then)")
        self.assertEqual(doc["header"]["error"], "ClientGone")

    def test_an_http_disconnect_after_the_response_is_the_normal_end(self):
        sent = Collector()
        calls = [0]

        async def disconnects_once_answered():
            calls[0] += 1
            if calls[0] == 1:
                return {"type": "http.request", "body": b"", "more_body": False}
            while not any(m["type"] == "http.response.body" and not m.get("more_body") for m in sent.messages):
                await asyncio.sleep(0.001)
            return {"type": "http.disconnect"}

        async def app(scope, receive, send):
            await receive()
            await respond(send, b"done")
            await receive()  # what servers answer once the response is complete

        mw = ASGIProfilerMiddleware(app, profile_dir=self.profile_dir)
        self.addCleanup(mw.writer.close)
        asyncio.run(mw(scope_for("/done"), disconnects_once_answered, sent))
        self.assertTrue(mw.writer.flush(10))
        (path,) = profile_files(self.profile_dir)
        doc = load(path)
        self.assertIs(doc["header"]["clientDisconnected"], False)
        self.assertIsNone(doc["response"]["disconnect"])


if __name__ == "__main__":
    unittest.main()
