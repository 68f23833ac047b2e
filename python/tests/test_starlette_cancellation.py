"""Regression: a Starlette StreamingResponse behind BaseHTTPMiddleware hung forever
under the ASGI middleware when the client disconnected. anyio delivers a cancel
scope's cancellation only to tasks that inspect.getcoroutinestate says have
started; the profiled child task's coroutine could not answer, the delivering
callback raised, and the task group waited for ever. Each run here has a deadline
(a hang fails the test) and must leave nothing in the loop's exception handler.
Runs on Debian's python with its starlette/anyio, on asyncio's loop and uvloop's."""

import asyncio
import os
import unittest

from request_profiler import ASGIProfilerMiddleware

from .deadline import run_with_deadline
from .support import TempDirTestCase, function_names, load, profile_files
from .test_frameworks import need

CHUNKS_BEFORE_DISCONNECT = 3


def chunk_maker(i):
    return ("%d,%d\n" % (i, sum(range(5000)))).encode()


def loop_factories():
    factories = [("asyncio", asyncio.new_event_loop)]
    try:
        need("uvloop")
    except unittest.SkipTest:
        return factories
    import uvloop
    factories.append(("uvloop", uvloop.new_event_loop))
    return factories


class Client:
    """An ASGI server's side of one request: the body once, then a disconnect
    after a few streamed chunks have arrived."""

    def __init__(self):
        self.messages = []
        self.chunks = 0
        self.enough = None
        self.asked = 0

    async def receive(self):
        self.asked += 1
        if self.asked == 1:
            return {"type": "http.request", "body": b"", "more_body": False}
        if self.enough is None:
            self.enough = asyncio.Event()
        await self.enough.wait()
        return {"type": "http.disconnect"}

    async def send(self, message):
        self.messages.append(message)
        if message["type"] == "http.response.body" and message.get("body"):
            self.chunks += 1
            if self.chunks >= CHUNKS_BEFORE_DISCONNECT and self.enough is not None:
                self.enough.set()


def scope(path):
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
            "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
            "headers": [(b"host", b"testserver")], "client": ("127.0.0.1", 5000), "server": ("testserver", 80)}


class StarletteCancellationTest(TempDirTestCase):
    def setUp(self):
        super().setUp()
        need("starlette", "anyio")

    def profiled(self, app, loop_name):
        mw = ASGIProfilerMiddleware(app, profile_dir=os.path.join(self.profile_dir, loop_name))
        self.addCleanup(mw.writer.close)
        return mw

    def only_profile(self, mw):
        self.assertTrue(mw.writer.flush(10))
        (path,) = profile_files(mw.config.profile_dir)
        return load(path)

    def streaming_app(self):
        from starlette.applications import Starlette
        from starlette.middleware.base import BaseHTTPMiddleware
        from starlette.responses import StreamingResponse
        from starlette.routing import Route

        async def rows():
            for i in range(10000):  # far more than a client that leaves early reads
                await asyncio.sleep(0.001)
                yield chunk_maker(i)

        async def export(request):
            return StreamingResponse(rows(), media_type="text/csv")

        async def pass_through(request, call_next):
            return await call_next(request)

        app = Starlette(routes=[Route("/export", export)])
        app.add_middleware(BaseHTTPMiddleware, dispatch=pass_through)  # runs the app in a child task
        return app

    def test_streaming_response_ends_when_the_client_disconnects(self):
        for loop_name, new_loop in loop_factories():
            with self.subTest(loop=loop_name):
                mw = self.profiled(self.streaming_app(), loop_name)
                client = Client()
                run = run_with_deadline(lambda: mw(scope("/export"), client.receive, client.send), 15, new_loop)
                self.assertTrue(run.finished, "the request hung after the client disconnected (%s)" % loop_name)
                self.assertEqual(run.reported, [], run.describe_reports())
                self.assertIsNone(run.error)
                self.assertGreaterEqual(client.chunks, CHUNKS_BEFORE_DISCONNECT)
                self.assertLess(client.chunks, 10000, "the stream went on after the disconnect")
                doc = self.only_profile(mw)
                self.assertEqual((doc["header"]["path"], doc["header"]["status"]), ("/export", 200))
                # The 200 alone would read as a complete response.
                self.assertIs(doc["header"]["clientDisconnected"], True)
                self.assertIn("(http.disconnect)", doc["response"]["disconnect"])
                self.assertIn("pass_through", function_names(doc))
                made = [f["nc"] for f in doc["profile"]["functions"] if f["name"] == "chunk_maker"]
                self.assertEqual(len(made), 1)
                self.assertGreaterEqual(made[0], client.chunks)  # the streaming child task was profiled

    def test_cancel_scope_cancels_a_started_child_task(self):
        import anyio

        cleaned_up = []

        async def waits_for_ever():
            try:
                await anyio.sleep(60)
            finally:
                cleaned_up.append(True)

        async def app(scope, receive, send):
            async with anyio.create_task_group() as group:
                group.start_soon(waits_for_ever)
                await anyio.sleep(0.01)  # the child has started and is suspended
                group.cancel_scope.cancel()
            await send({"type": "http.response.start", "status": 204, "headers": []})
            await send({"type": "http.response.body", "body": b""})

        for loop_name, new_loop in loop_factories():
            with self.subTest(loop=loop_name):
                del cleaned_up[:]
                mw = self.profiled(app, loop_name)
                run = run_with_deadline(lambda: mw(scope("/group"), client_receive, discard), 10, new_loop)
                self.assertTrue(run.finished, "the cancel scope never reached the child task (%s)" % loop_name)
                self.assertEqual(run.reported, [], run.describe_reports())
                self.assertIsNone(run.error)
                self.assertEqual(cleaned_up, [True])


async def client_receive():
    return {"type": "http.request", "body": b"", "more_body": False}


async def discard(message):
    pass


if __name__ == "__main__":
    unittest.main()
