"""The sampling engine behind the middlewares (engine="sample"): how it is chosen, the
version 2 profile it writes, where its stacks start, and that nothing it does can cost
the app a request."""

import asyncio
import json
import os
import sys
import time
import unittest
from typing import Any, Dict, List, Tuple
from unittest import mock

from tests.known_shares import spin
from tests.support import TempDirTestCase, call, call_asgi, make_environ, profile_files
from tests.schema_check import errors
from tests.servers import EXPECTED, ServerProcess, run_clients
from tests.test_frameworks import need

from request_profiler import ASGIProfilerMiddleware, ProfilerMiddleware
from request_profiler.__main__ import read_header
from request_profiler.config import Config, ConfigError
from request_profiler.paste import paste_filter_app_factory
from request_profiler.run.command import add_arguments, middleware_options
from request_profiler.sampling import Sampler, StackTable
from request_profiler.sampling.profile_tables import function_tables
from request_profiler.sampling.sampler import SamplingResult, shared_sampler
from request_profiler.sampling.stack_table import SampledTables

SAMPLED_PREFIX = '{"format":"request-profiler","version":2,"header":'
SCHEMA_PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                           "docs", "profile.schema.json")


def load_sampled(path: str) -> Dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    assert text.startswith(SAMPLED_PREFIX), text[:80]
    return json.loads(text)


def spin_until_sampled(seconds: float, samples: int = 3) -> None:
    """Spins for at least seconds and until the shared sampler (the middlewares' at the
    default interval) has taken `samples` more samples: a machine busy enough to starve
    the sampler thread makes the test wait longer, not fail."""
    sampler = shared_sampler(0.001)
    wanted = sampler.ticks + samples
    deadline = time.perf_counter() + 10
    spin(seconds)
    while sampler.ticks < wanted and time.perf_counter() < deadline:
        spin(0.001)


def mw_cpu_clock() -> bool:
    """Whether other threads' CPU clocks can be read here (sampler.ThreadCpuClocks)."""
    return shared_sampler(0.001).has_cpu_clock


def stack_names(doc: Dict[str, Any]) -> List[List[str]]:
    functions = doc["profile"]["functions"]
    return [[functions[i]["name"] for i in row[0]] for row in doc["profile"]["stacks"]]


class EngineChoiceTest(TempDirTestCase):
    # TempDirTestCase clears REQUEST_PROFILER_ENGINE for each test and puts the shell's back.

    def test_cprofile_is_the_default_and_sample_is_chosen_by_option_paste_or_environment(self) -> None:
        self.assertEqual(Config(profile_dir=self.profile_dir).engine, "cprofile")
        self.assertEqual(Config(profile_dir=self.profile_dir, engine="sample").engine, "sample")
        paste = paste_filter_app_factory(lambda e, s: [], {}, profile_dir=self.profile_dir, engine=" Sample ",
                                         sample_interval_ms="2.5")
        self.assertEqual((paste.config.engine, paste.config.sample_interval_ms), ("sample", 2.5))
        self.assertIsNotNone(paste.sampler)
        os.environ["REQUEST_PROFILER_ENGINE"] = "sample"
        self.assertEqual(Config(profile_dir=self.profile_dir).engine, "sample")

    def test_a_wrong_engine_or_interval_fails_at_start_up_saying_what_to_use(self) -> None:
        with self.assertRaises(ConfigError) as caught:
            ProfilerMiddleware(lambda e, s: [], self.profile_dir, engine="pyspy")
        self.assertIn("cprofile or sample", str(caught.exception))
        os.environ["REQUEST_PROFILER_ENGINE"] = "sampled"
        with self.assertRaises(ConfigError) as caught:
            ASGIProfilerMiddleware(lambda s, r, w: None, self.profile_dir)
        self.assertIn("REQUEST_PROFILER_ENGINE", str(caught.exception))
        os.environ.pop("REQUEST_PROFILER_ENGINE")
        for bad in ("0", "-1", "fast"):
            with self.assertRaises(ConfigError, msg=bad) as caught:
                ProfilerMiddleware(lambda e, s: [], self.profile_dir, engine="sample", sample_interval_ms=bad)
            self.assertIn("sample_interval_ms", str(caught.exception))

    def test_the_run_wrapper_takes_engine_and_interval_flags(self) -> None:
        import argparse
        parser = argparse.ArgumentParser()
        add_arguments(parser)
        args = parser.parse_args(["--engine", "sample", "--sample-interval-ms", "2", "--", "flask", "run"])
        options = middleware_options(args)
        self.assertEqual(options, {"engine": "sample", "sample_interval_ms": "2"})
        self.assertEqual(Config.from_options(dict(options, profile_dir=self.profile_dir)).engine, "sample")


class ProfileTablesTest(unittest.TestCase):
    def test_functions_and_edges_mean_self_inclusive_and_samples_counted_once_per_stack(self) -> None:
        functions = [{"file": "f.py", "line": n, "name": name, "qualname": name}
                     for n, name in enumerate(["main", "walk", "leaf"])]
        # main > walk > walk > leaf (recursive), main > walk (self), main (self, awaiting).
        stacks = [[[0, 1, 1, 2], [1, 2, 2, 3], False, 0.5, 0.4, 5],
                  [[0, 1], [1, 2], False, 0.25, 0.25, 2],
                  [[0], [7], True, 0.125, 0.0, 1]]
        tables = function_tables(SampledTables(functions, stacks))
        by_name = {f["name"]: f for f in tables.functions}
        self.assertEqual((by_name["main"]["tt"], by_name["main"]["ct"], by_name["main"]["nc"]), (0.125, 0.875, 8))
        self.assertEqual((by_name["walk"]["tt"], by_name["walk"]["ct"], by_name["walk"]["cc"]), (0.25, 0.75, 7))
        self.assertEqual((by_name["leaf"]["tt"], by_name["leaf"]["ct"], by_name["leaf"]["nc"]), (0.5, 0.5, 5))
        edges = {(e[0], e[1]): e[2:] for e in tables.edges}
        self.assertEqual(edges[(0, 1)], [7, 7, 0.25, 0.75])
        self.assertEqual(edges[(1, 1)], [5, 5, 0.0, 0.5])
        self.assertEqual(edges[(1, 2)], [5, 5, 0.5, 0.5])
        self.assertEqual(len(edges), 3)

    def test_a_sample_shares_its_time_with_the_previous_stack_and_the_tail_likewise(self) -> None:
        a, b = spin.__code__, stack_names.__code__
        table = StackTable()
        table.add(((a, 1),), False, 0.02, 0.02)
        table.add(((b, 1),), False, 0.04, 0.04)  # the switch from a to b fell somewhere in these 40 ms
        table.add(((b, 1),), True, 0.02, 0.0)
        table.end_stretch(0.01)
        tables = table.tables()
        got = {(tables.functions[row[0][0]]["name"], row[2]): (round(row[3], 9), round(row[4], 9), row[5])
               for row in tables.stacks}
        self.assertEqual(got, {("spin", False): (0.04, 0.04, 1), ("stack_names", False): (0.03, 0.02, 1),
                               ("stack_names", True): (0.015, 0.0, 1)})
        self.assertAlmostEqual(table.wall, 0.085)

    def test_exact_running_and_awaiting_times_are_divided_by_the_samples_of_each(self) -> None:
        a, b, c = spin.__code__, stack_names.__code__, load_sampled.__code__
        table = StackTable()
        for code, awaiting, wall in ((a, False, 0.01), (b, False, 0.03), (c, True, 0.06)):
            table.new_stretch()  # each sample on its own, not sharing its time with the one before
            table.add(((code, 1),), awaiting, wall, 0.0 if awaiting else wall)
        table.rescale(0.2, 0.3)
        tables = table.tables()
        walls = {tables.functions[row[0][0]]["name"]: row[3] for row in tables.stacks}
        self.assertAlmostEqual(walls["spin"], 0.05)
        self.assertAlmostEqual(walls["stack_names"], 0.15)
        self.assertAlmostEqual(walls["load_sampled"], 0.3)
        self.assertAlmostEqual(table.wall, 0.5)
        self.assertEqual(table.unattributed_wall, 0.0)
        lonely = StackTable()
        lonely.add(((c, 1),), True, 0.06, 0.0)
        lonely.rescale(0.2, 0.3)
        self.assertAlmostEqual(lonely.unattributed_wall, 0.2, msg="running time with no running sample")


def wsgi_app(environ: Dict[str, Any], start_response: Any) -> Any:
    spin_until_sampled(0.03)
    start_response("200 OK", [("Content-Type", "text/plain")])
    if environ["PATH_INFO"] == "/stream":
        return streamed_body()
    return [b"ok"]


def streamed_body() -> Any:
    for _ in range(2):
        spin_until_sampled(0.02)
        yield b"chunk"


class SampledWsgiProfileTest(TempDirTestCase):
    def middleware(self, **options: Any) -> ProfilerMiddleware:
        mw = ProfilerMiddleware(wsgi_app, self.profile_dir, engine="sample", **options)
        assert mw.writer is not None
        self.addCleanup(mw.writer.close)
        return mw

    def written(self, mw: ProfilerMiddleware) -> Dict[str, Any]:
        assert mw.writer is not None
        mw.writer.flush()
        (path,) = profile_files(self.profile_dir)
        doc = load_sampled(path)
        self.assertEqual(read_header(path), doc["header"], "the listing reads version 2 headers too")
        return doc

    def test_a_sampled_profile_is_version_2_with_stacks_stats_and_no_pstats_file(self) -> None:
        mw = self.middleware(write_prof=True)
        self.assertEqual(call(mw, make_environ("/stream")), b"chunkchunk")
        doc = self.written(mw)
        header, profile = doc["header"], doc["profile"]
        self.assertEqual((doc["version"], header["engine"], profile["engine"]), (2, "sample", "sample"))
        self.assertTrue(header["profiled"])
        sampling = profile["sampling"]
        self.assertEqual(sorted(sampling), sorted([
            "intervalMs", "samples", "rateHz", "maxGapMs", "sampledMs", "cpuMs", "unsampledTailMs",
            "unattributedMs", "overflowMs", "distinctStacks"]))
        self.assertGreater(sampling["samples"], 5)
        self.assertEqual(sampling["distinctStacks"], len(profile["stacks"]))
        self.assertEqual(header["functionCount"], len(profile["functions"]))
        self.assertAlmostEqual(sum(row[3] for row in profile["stacks"]) * 1000, header["profiledMs"], places=6)
        names = os.listdir(self.profile_dir)
        self.assertTrue(any(n.endswith(".dot") for n in names), names)
        self.assertFalse(any(n.endswith(".prof") for n in names), "sample counts would read as calls in pstats")
        if os.path.exists(SCHEMA_PATH):
            with open(SCHEMA_PATH, encoding="utf-8") as f:
                self.assertEqual(errors(json.load(f), doc), [])

    def test_to_pstats_refuses_a_sampled_profile_saying_why(self) -> None:
        import contextlib
        import io
        from request_profiler.__main__ import main
        mw = self.middleware()
        call(mw)
        self.written(mw)
        (path,) = profile_files(self.profile_dir)
        output = os.path.join(self.tmp, "out.prof")
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr):
            self.assertEqual(main(["to-pstats", path, output]), 1)
        self.assertIn("sampled profile", stderr.getvalue())
        self.assertFalse(os.path.exists(output))

    def test_stacks_start_at_the_app_and_at_the_body_and_never_show_the_middleware(self) -> None:
        mw = self.middleware()
        call(mw, make_environ("/stream"))
        stacks = stack_names(self.written(mw))
        roots = {names[0] for names in stacks if names}
        self.assertEqual(roots, {"wsgi_app", "streamed_body"}, stacks)
        self.assertIn(["wsgi_app", "spin_until_sampled", "spin"], stacks)
        self.assertIn(["streamed_body", "spin_until_sampled", "spin"], stacks)

    def test_the_middleware_s_code_around_each_stretch_is_left_out_of_the_stacks(self) -> None:
        mw = self.middleware()
        sampler = mw.sampler
        assert sampler is not None
        finished: List[Any] = []
        real_finish = sampler.finish

        def finish(recording: Any) -> Any:
            finished.append(recording)
            return real_finish(recording)

        with mock.patch.object(sampler, "finish", finish):
            call(mw, make_environ("/stream"))
        (recording,) = finished
        self.assertEqual({code.co_name for code in recording.own_codes}, {"_start", "begin_stretch", "begin", "stop"})

    def test_time_between_stretches_is_not_sampled(self) -> None:
        # The server's time between body chunks is not the app's: it weighs in no sample.
        mw = self.middleware()
        result = mw(make_environ("/stream"), lambda status, headers, exc_info=None: None)
        chunks = []
        for chunk in result:
            chunks.append(chunk)
            time.sleep(0.05)
        result.close()
        doc = self.written(mw)
        self.assertLess(doc["profile"]["sampling"]["sampledMs"], doc["header"]["wallMs"] - 90)

    def test_a_sampler_that_cannot_start_leaves_the_request_served_and_says_why(self) -> None:
        mw = self.middleware()
        assert mw.sampler is not None
        with mock.patch.object(mw.sampler, "begin", side_effect=RuntimeError("no threads left")):
            self.assertEqual(call(mw), b"ok")
        assert mw.writer is not None
        mw.writer.flush()
        (path,) = profile_files(self.profile_dir)
        header = read_header(path)
        assert header is not None
        self.assertFalse(header["profiled"])
        self.assertIn("no threads left", header["skipReason"])

    def test_failing_samples_leave_the_request_served_and_the_profile_says_so(self) -> None:
        mw = self.middleware()
        assert mw.sampler is not None
        with mock.patch("request_profiler.sampling.sampler.running_stack", side_effect=RuntimeError("walk failed")):
            self.assertEqual(call(mw), b"ok")  # its app spins until the sampler has ticked, failing
        self.assertGreater(mw.sampler.failures, 0)
        doc = self.written(mw)
        self.assertTrue(any("could not be taken" in n and "walk failed" in n for n in doc["profile"]["notes"]),
                        doc["profile"]["notes"])


    @unittest.skipUnless(hasattr(os, "fork"), "needs fork")
    def test_a_forked_child_samples_although_the_sampler_s_lock_was_held_at_the_fork(self) -> None:
        import threading
        mw = self.middleware()
        sampler = mw.sampler
        assert sampler is not None and mw.writer is not None
        call(mw)  # the parent's sampler thread has run
        mw.writer.flush()
        held, release = threading.Event(), threading.Event()

        def hold_the_lock() -> None:  # as the sampler thread does while it samples
            with sampler._lock:
                held.set()
                release.wait(10)

        holder = threading.Thread(target=hold_the_lock)
        holder.start()
        held.wait(10)
        pid = os.fork()
        if pid == 0:  # child: the holder does not exist here, its lock would stay held
            code = 1
            try:
                call(mw)
                code = 0 if mw.writer.flush(10) and sampler.recording_count() == 0 else 2
            finally:
                os._exit(code)
        release.set()
        holder.join(10)
        deadline = time.monotonic() + 30
        status = 0
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() > deadline:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                self.fail("the forked child hung on the sampler's lock")
            time.sleep(0.05)
        self.assertEqual(os.WEXITSTATUS(status), 0)
        pids = sorted(load_sampled(p)["header"]["pid"] for p in profile_files(self.profile_dir))
        self.assertEqual(pids, sorted([os.getpid(), pid]))


class SampledAsgiProfileTest(TempDirTestCase):
    def sampled_get(self, app: Any) -> Tuple[ASGIProfilerMiddleware, Dict[str, Any]]:
        """One GET / of app through the middleware with engine="sample": the middleware, and
        the one profile it wrote."""
        mw = ASGIProfilerMiddleware(app, self.profile_dir, engine="sample")
        assert mw.writer is not None
        self.addCleanup(mw.writer.close)
        call_asgi(mw)
        mw.writer.flush()
        (path,) = profile_files(self.profile_dir)
        return mw, load_sampled(path)

    def test_an_asgi_request_is_sampled_running_and_awaiting_at_its_own_awaits(self) -> None:
        async def waits_here() -> None:
            await asyncio.sleep(0.04)

        async def app(scope: Any, receive: Any, send: Any) -> None:
            spin_until_sampled(0.03)
            await waits_here()
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"ok"})

        _, doc = self.sampled_get(app)
        profile = doc["profile"]
        stacks = stack_names(doc)
        self.assertIn(["app", "spin_until_sampled", "spin"], stacks)
        self.assertIn(["app", "waits_here", "sleep"], stacks)
        sampling = profile["sampling"]
        awaiting = sum(row[3] for row in profile["stacks"] if row[2]) * 1000
        running = sum(row[3] for row in profile["stacks"] if not row[2]) * 1000
        self.assertAlmostEqual(awaiting, sampling["awaitingMs"], places=6)
        self.assertAlmostEqual(running, sampling["runningMs"], places=6)
        self.assertAlmostEqual(running + awaiting + sampling["unattributedMs"],
                               sampling["sampledMs"], places=6)
        self.assertGreater(sampling["awaitingMs"], 35)
        self.assertGreater(sampling["runningMs"], 25)

    def test_a_task_the_request_starts_runs_in_its_profile_while_the_request_awaits_it(self) -> None:
        async def child_work() -> None:
            spin_until_sampled(0.04)

        async def app(scope: Any, receive: Any, send: Any) -> None:
            await asyncio.ensure_future(child_work())
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"ok"})

        mw, doc = self.sampled_get(app)
        running = [names for names, row in zip(stack_names(doc), doc["profile"]["stacks"]) if not row[2]]
        self.assertIn(["child_work", "spin_until_sampled", "spin"], running)
        sampling = doc["profile"]["sampling"]
        self.assertGreater(sampling["runningMs"], 35, "the child task's steps are the request's running time")
        assert mw.sampler is not None
        self.assertEqual(mw.sampler.recording_count(), 0, "one recording, finished: the child task began none")


class SampledThreadedServerTest(TempDirTestCase):
    def test_a_threaded_server_s_concurrent_requests_are_all_sampled_each_with_its_own_handler(self) -> None:
        server = ServerProcess(self.profile_dir, engine="sample")
        try:
            results = run_clients(server, clients=8, requests_each=6)
        finally:
            out, err = server.stop()
        for path, status, body in results:
            self.assertEqual((status, body), (200, EXPECTED[path]))
        self.assertNotIn("Traceback", err)
        self.assertIn("dropped=0 failed=0 written=48", out)
        without_own_handler = []
        for path in profile_files(self.profile_dir):
            doc = load_sampled(path)
            self.assertTrue(doc["header"]["profiled"], "no gate: nobody waits, nobody is turned away")
            own = "handler_%s" % doc["header"]["path"][2:]
            handlers = {f["name"] for f in doc["profile"]["functions"] if f["name"].startswith("handler_")}
            self.assertLessEqual(handlers, {own}, path)
            if handlers != {own}:
                without_own_handler.append((doc["header"]["path"], doc["profile"]["sampling"]))
        # Each handler stays until the sampler has sampled it (until_sampled in tests/servers.py),
        # however busy the machine: every request's profile holds its own handler.
        self.assertEqual(without_own_handler, [])


class SampledStarletteTest(TempDirTestCase):
    """Debian's python3 has Starlette (scripts/test-python.sh requires it there)."""

    def test_child_tasks_streaming_and_a_thread_pool_endpoint_under_starlette(self) -> None:
        need("starlette", "httpx")
        from starlette.applications import Starlette
        from starlette.responses import PlainTextResponse, StreamingResponse
        from starlette.routing import Route
        from starlette.testclient import TestClient

        def chunk_maker(i: int) -> bytes:
            spin_until_sampled(0.005)
            return b"%d\n" % i

        async def rows() -> Any:
            for i in range(3):
                await asyncio.sleep(0)
                yield chunk_maker(i)

        async def export(request: Any) -> Any:
            return StreamingResponse(rows(), media_type="text/csv")

        def blocking(request: Any) -> Any:  # a plain def endpoint: Starlette runs it in a thread pool
            time.sleep(0.03)
            spin_until_sampled(0.03)
            return PlainTextResponse("done")

        app = Starlette(routes=[Route("/export", export), Route("/blocking", blocking)])

        @app.middleware("http")
        async def add_header(request: Any, call_next: Any) -> Any:  # the app runs in a child task
            response = await call_next(request)
            response.headers["X-Seen"] = "1"
            return response

        app.add_middleware(ASGIProfilerMiddleware, profile_dir=self.profile_dir, engine="sample")
        with TestClient(app) as client:
            self.assertEqual(client.get("/export").text, "0\n1\n2\n")
            self.assertEqual(client.get("/blocking").text, "done")
        node = app.middleware_stack
        while node is not None and not isinstance(node, ASGIProfilerMiddleware):
            node = getattr(node, "app", None)
        assert node is not None and node.writer is not None
        node.writer.flush(10)
        docs = {load_sampled(p)["header"]["path"]: load_sampled(p) for p in profile_files(self.profile_dir)}
        self.assertEqual(sorted(docs), ["/blocking", "/export"])
        exported = [names for names in stack_names(docs["/export"]) if "chunk_maker" in names]
        self.assertTrue(exported, stack_names(docs["/export"]))
        blocking_doc = docs["/blocking"]
        self.assertTrue(any("<in a worker thread>" in n for n in blocking_doc["profile"]["notes"]))
        pooled = [(names, row) for names, row in zip(stack_names(blocking_doc), blocking_doc["profile"]["stacks"])
                  if "<in a worker thread>" in names]
        self.assertTrue(pooled, "the endpoint's work in the thread pool is sampled: %s" % stack_names(blocking_doc))
        for names, row in pooled:
            below = names[names.index("<in a worker thread>") + 1:]
            self.assertEqual(below[:1], ["blocking"], names)
            self.assertFalse(row[2], "the worker runs the endpoint: a running stack")
        in_pool = sum(row[3] for _, row in pooled) * 1000
        sampling = blocking_doc["profile"]["sampling"]
        self.assertGreater(in_pool, 40, "sleeping 30 ms and spinning 30 ms in the endpoint: %s" % sampling)
        in_worker = {tuple(names[names.index("<in a worker thread>") + 1:]): row for names, row in pooled}
        # time.sleep has no frame of its own: blocked in it, the worker is at the endpoint's line.
        self.assertIn(("blocking",), in_worker, "blocked in the worker shows where it blocked")
        self.assertIn(("blocking", "spin_until_sampled", "spin"), in_worker)
        if mw_cpu_clock():
            sleeping, spinning = in_worker[("blocking",)], in_worker[("blocking", "spin_until_sampled", "spin")]
            self.assertLess(sleeping[4], sleeping[3] / 2, "the worker's CPU clock: sleeping costs none")
            self.assertGreater(spinning[4], 0, "the worker's CPU clock: spinning costs some")
        # The worker's time was awaiting for the step driver: it moved to running, nothing lost.
        stacks_ms = sum(r[3] for r in blocking_doc["profile"]["stacks"]) * 1000
        self.assertAlmostEqual(stacks_ms + sampling["unattributedMs"], sampling["sampledMs"], places=6)
        self.assertAlmostEqual(sampling["runningMs"] + sampling["awaitingMs"], sampling["sampledMs"], places=6)
        self.assertGreaterEqual(sampling["runningMs"], in_pool - 1e-6)


class SharedSamplerTest(unittest.TestCase):
    def test_one_sampler_per_interval_lowering_the_switch_interval_only_below_it(self) -> None:
        self.assertIs(shared_sampler(0.001), shared_sampler(0.001))
        self.assertIsNot(shared_sampler(0.001), shared_sampler(0.002))
        self.assertAlmostEqual(shared_sampler(0.001).switch_interval_s or 0, 0.001)
        self.assertIsNone(shared_sampler(0.010).switch_interval_s)


if __name__ == "__main__":
    unittest.main()
