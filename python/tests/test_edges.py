"""Less common paths: servers that forget close(), file wrappers, a shared
directory, the 3.12+ policy forced on any Python, another profiling tool."""

import gc
import io
import logging
import os
import sys
import threading
import unittest
from wsgiref.util import FileWrapper

from request_profiler import ProfilerMiddleware
from request_profiler.recording.gate import ProfilingGate

from .support import TempDirTestCase, call, function_names, load, make_environ, profile_files


def hello_app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello"]


class ReadCountingFile(io.BytesIO):
    def read(self, size=-1):
        return super().read(size)


class EdgeCasesTest(TempDirTestCase):
    def middleware(self, app=hello_app, **options):
        mw = ProfilerMiddleware(app, profile_dir=self.profile_dir, **options)
        self.addCleanup(mw.writer.close)
        return mw

    def test_body_discarded_without_close_still_finishes_the_profile(self):
        mw = self.middleware(max_wait_s=0.2)
        result = mw(make_environ("/forgotten"), lambda *a: None)
        list(result)
        del result
        gc.collect()
        self.assertEqual(call(mw, make_environ("/next")), b"hello")
        mw.writer.flush()
        docs = {load(p)["header"]["path"]: load(p) for p in profile_files(self.profile_dir)}
        self.assertTrue(docs["/next"]["header"]["profiled"])
        self.assertTrue(any("never called close()" in n for n in docs["/forgotten"]["profile"]["notes"]))

    def test_body_collected_in_another_thread_frees_the_thread_that_served_it(self):
        mw = self.middleware(max_wait_s=0.2)
        holder = [mw(make_environ("/collected-elsewhere"), lambda *a: None)]
        list(holder[0])

        def drop():
            holder.clear()
            gc.collect()

        dropper = threading.Thread(target=drop)
        dropper.start()
        dropper.join()
        call(mw, make_environ("/again"))
        mw.writer.flush()
        docs = {load(p)["header"]["path"]: load(p)["header"] for p in profile_files(self.profile_dir)}
        self.assertTrue(docs["/again"]["profiled"], docs["/again"]["skipReason"])

    def test_file_wrapper_body_is_streamed_profiled_and_closed(self):
        source = ReadCountingFile(b"x" * 50000)

        def app(environ, start_response):
            start_response("200 OK", [("Content-Type", "application/octet-stream")])
            return environ["wsgi.file_wrapper"](source, 8192)

        mw = self.middleware(app)
        environ = make_environ("/download")
        environ["wsgi.file_wrapper"] = FileWrapper
        self.assertEqual(len(call(mw, environ)), 50000)
        self.assertTrue(source.closed)
        mw.writer.flush()
        (path,) = profile_files(self.profile_dir)
        doc = load(path)
        self.assertEqual(doc["header"]["bytesSent"], 50000)
        read = [f for f in doc["profile"]["functions"] if f["name"] == "read"]
        self.assertEqual(read[0]["nc"], 8)  # seven chunks and the empty read that ends it

    def test_directory_writable_by_others_warns_once(self):
        os.makedirs(self.profile_dir)
        os.chmod(self.profile_dir, 0o777)
        mw = self.middleware()
        with self.assertLogs("request_profiler", logging.WARNING) as logs:
            for _ in range(3):
                call(mw)
            mw.writer.flush()
        self.assertEqual(len(logs.output), 1)
        self.assertIn("writable by other users", logs.output[0])

    def test_one_profiler_policy_skips_after_a_bounded_wait_and_records_why(self):
        gate = ProfilingGate(one_per_process=True)
        mw = self.middleware(max_wait_s=0.05)
        mw.gate = gate
        held, done = threading.Event(), threading.Event()

        def hold():
            gate.acquire(None)
            held.set()
            done.wait(10)
            gate.release()

        holder = threading.Thread(target=hold)
        holder.start()
        held.wait(10)
        try:
            self.assertEqual(call(mw, make_environ("/while-busy")), b"hello")
        finally:
            done.set()
            holder.join()
        self.assertEqual(call(mw, make_environ("/after")), b"hello")
        mw.writer.flush()
        docs = {load(p)["header"]["path"]: load(p)["header"] for p in profile_files(self.profile_dir)}
        self.assertFalse(docs["/while-busy"]["profiled"])
        self.assertTrue(docs["/while-busy"]["skipReason"].startswith("busy"))
        self.assertEqual(docs["/while-busy"]["functionCount"], 0)
        self.assertGreaterEqual(docs["/while-busy"]["wallMs"], 50)
        self.assertTrue(docs["/after"]["profiled"])

    def test_skipped_requests_are_not_written_when_asked(self):
        gate = ProfilingGate(one_per_process=True)
        gate.acquire(None)
        self.addCleanup(gate.release)
        mw = self.middleware(max_wait_s=0, record_skipped=False)
        mw.gate = gate
        call(mw)
        mw.writer.flush()
        self.assertEqual(profile_files(self.profile_dir), [])

    def test_stacked_middlewares_profile_once(self):
        outer = self.middleware(ProfilerMiddleware(hello_app, profile_dir=self.profile_dir))
        self.addCleanup(outer.app.writer.close)
        self.assertEqual(call(outer), b"hello")
        outer.writer.flush()
        outer.app.writer.flush()
        headers = [load(p)["header"] for p in profile_files(self.profile_dir)]
        self.assertEqual(sorted(h["profiled"] for h in headers), [False, True])
        self.assertIn("nested", [h["skipReason"] for h in headers if not h["profiled"]][0])

    def test_an_unserialisable_environ_value_does_not_cost_the_profile(self):
        class Hostile:
            def __repr__(self):
                raise RuntimeError("no repr for you")

        mw = self.middleware()
        environ = make_environ()
        environ["app.hostile"] = Hostile()
        self.assertEqual(call(mw, environ), b"hello")
        mw.writer.flush()
        (path,) = profile_files(self.profile_dir)
        self.assertIn("unrepresentable Hostile", load(path)["environ"]["app.hostile"])
        self.assertIn("hello_app", function_names(load(path)))

    @unittest.skipUnless(sys.version_info >= (3, 12), "the profiler slot exists on 3.12+")
    def test_another_profiling_tool_in_the_slot_means_unprofiled_not_an_error(self):
        import cProfile
        mw = self.middleware()
        someone_else = cProfile.Profile()
        someone_else.enable()
        try:
            body = call(mw)
        finally:
            someone_else.disable()
        self.assertEqual(body, b"hello")
        mw.writer.flush()
        (path,) = profile_files(self.profile_dir)
        header = load(path)["header"]
        self.assertFalse(header["profiled"])
        self.assertIn("another profiling tool", header["skipReason"])
        self.assertEqual(call(mw), b"hello")  # the gate was released


    def test_a_profiler_that_fails_to_start_means_unprofiled_not_an_error(self):
        from unittest import mock
        from request_profiler.recording import recorder
        from request_profiler.recording.recorder import Recorder
        mw = self.middleware()
        with mock.patch.object(Recorder, "start", side_effect=RuntimeError("no monitoring here")), \
                mock.patch.object(recorder, "_start_failures_logged", set()):
            with self.assertLogs("request_profiler", "ERROR") as logs:
                body = call(mw)
        self.assertEqual(body, b"hello")
        self.assertIn("could not start the profiler", logs.output[0])
        self.assertIn("RuntimeError: no monitoring here", logs.output[0])  # with its traceback
        mw.writer.flush()
        (path,) = profile_files(self.profile_dir)
        header = load(path)["header"]
        self.assertFalse(header["profiled"])
        self.assertEqual(header["skipReason"], "the profiler could not be started (RuntimeError: no monitoring here)")
        self.assertEqual(call(mw), b"hello")  # the gate was released


if __name__ == "__main__":
    unittest.main()
