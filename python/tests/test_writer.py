import asyncio
import os
import sys
import threading
import time
import unittest

import request_profiler
from request_profiler import ASGIProfilerMiddleware, ProfilerMiddleware, naming, recording, retention, writer
from request_profiler.recording import thread_tripwire
from request_profiler.recording.gate import ProfilingGate
from request_profiler.writer import write_atomic

from .support import TempDirTestCase, call, load, make_environ, profile_files


class _no_check:  # Python < 3.10 has no assertNoLogs
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


class WriterTest(TempDirTestCase):
    def test_a_slow_writer_never_blocks_requests_it_drops_and_counts(self):
        mw = ProfilerMiddleware(app, profile_dir=self.profile_dir, queue_size=2)
        release = threading.Event()
        real_handle = mw.writer._handle

        def stuck_handle(record):  # stalls before taking the gate, like a writer descheduled
            release.wait(10)
            real_handle(record)

        mw.writer._handle = stuck_handle
        self.addCleanup(mw.writer.close)
        started = time.perf_counter()
        with self.assertLogs("request_profiler") as logs:
            for _ in range(20):
                self.assertEqual(call(mw), b"ok")
        elapsed = time.perf_counter() - started
        release.set()
        mw.writer.flush()
        self.assertLess(elapsed, 2.0)
        kept = len(profile_files(self.profile_dir))
        self.assertEqual(kept + mw.writer.dropped, 20)
        self.assertGreaterEqual(mw.writer.dropped, 17)
        self.assertTrue(any("dropped" in line for line in logs.output))
        with self.assertLogs("request_profiler") as logs:
            mw.writer.close()  # what atexit calls
        self.assertEqual(logs.output, ["WARNING:request_profiler:request_profiler: %d of 20 profiles dropped (queue "
                                       "full); raise queue_size (now 2) or sample_every, or lower the request rate"
                                       % mw.writer.dropped])

    def test_the_queue_is_bounded_by_memory_as_learnt_from_the_profiles_written(self):
        """queue_max_mb: records hold their profiler (about 1 KiB per distinct function);
        the writer learns their size from each profile it writes."""
        mw = ProfilerMiddleware(app, profile_dir=self.profile_dir, queue_size=1000, queue_max_mb=0.05)
        self.addCleanup(mw.writer.close)
        self.assertEqual(mw.writer.capacity, 1000)  # nothing learnt yet
        call(mw)
        self.assertTrue(mw.writer.flush(10))
        capacity = mw.writer.capacity
        functions = len(load(profile_files(self.profile_dir)[0])["profile"]["functions"])
        record_bytes = writer.RECORD_BASE_BYTES + writer.BYTES_PER_FUNCTION * functions
        self.assertEqual(capacity, int(0.05 * 1024 * 1024 / record_bytes))
        self.assertLess(capacity, 20)
        release = threading.Event()
        real_handle = mw.writer._handle
        mw.writer._handle = lambda record: (release.wait(10), real_handle(record))
        with self.assertLogs("request_profiler") as logs:
            for _ in range(20):
                call(mw)
        release.set()
        self.assertTrue(mw.writer.flush(10))
        self.assertEqual(len(profile_files(self.profile_dir)), 1 + capacity)
        self.assertEqual(mw.writer.dropped, 20 - capacity)
        self.assertIn("raise queue_max_mb (now 0.05, room for %d profiles" % capacity, logs.output[0])

    def test_big_profiles_leave_room_for_fewer(self):
        mw = ProfilerMiddleware(app, profile_dir=self.profile_dir)
        self.assertEqual((mw.config.queue_size, mw.config.queue_max_mb), (1024, 64.0))
        mw.writer._learn_record_size(20)
        self.assertEqual(mw.writer.capacity, 1024)
        for _ in range(30):  # the moving average follows a change of the app's profiles
            mw.writer._learn_record_size(1000)
        self.assertEqual(mw.writer.capacity, int(64 * 1024 * 1024 / (writer.RECORD_BASE_BYTES + writer.BYTES_PER_FUNCTION * 1000)))

    def test_nothing_is_said_at_exit_when_nothing_was_lost(self):
        mw = ProfilerMiddleware(app, profile_dir=self.profile_dir)
        call(mw)
        with self.assertNoLogs("request_profiler") if hasattr(self, "assertNoLogs") else _no_check():
            mw.writer.close()
        self.assertEqual(len(profile_files(self.profile_dir)), 1)

    def test_profiles_still_queued_when_exit_runs_out_of_time_are_counted(self):
        mw = ProfilerMiddleware(app, profile_dir=self.profile_dir)
        release = threading.Event()
        # A writer stuck on its first profile; once released it writes nothing, so no file lands
        # in the test's folder after the folder is removed.
        mw.writer._handle = lambda record: release.wait(10)
        self.addCleanup(release.set)
        for _ in range(3):
            call(mw)
        with self.assertLogs("request_profiler") as logs:
            mw.writer.close(0.05)
        self.assertIn("0 of 3 profiles dropped (queue full), 3 more still queued at exit and not written",
                      logs.output[0])

    def _middleware_whose_writer_yields_to(self, gate):
        """A middleware that records through its own idle gate, and whose writer yields
        to `gate`, held by the test as if another request were being recorded."""
        mw = ProfilerMiddleware(app, profile_dir=self.profile_dir)
        mw.gate = ProfilingGate(one_per_process=False)
        mw.writer.gate = gate
        self.addCleanup(mw.writer.close)
        return mw

    def test_the_writer_waits_while_another_request_is_recorded(self):
        gate = ProfilingGate(one_per_process=True)
        waiting = threading.Event()
        real_wait = gate.wait_until_idle

        def observed_wait(timeout):
            if gate._busy:
                waiting.set()
            return real_wait(timeout)

        gate.wait_until_idle = observed_wait
        mw = self._middleware_whose_writer_yields_to(gate)
        self.assertIsNone(gate.acquire(None))
        try:
            self.assertEqual(call(mw), b"ok")
            self.assertTrue(waiting.wait(10), "the writer never waited for the recording to end")
            self.assertEqual(profile_files(self.profile_dir), [])
        finally:
            gate.release()
        self.assertTrue(mw.writer.flush(10))
        self.assertEqual(len(profile_files(self.profile_dir)), 1)

    def test_the_writer_writes_anyway_when_a_recording_outlasts_its_budget(self):
        gate = ProfilingGate(one_per_process=True)
        mw = self._middleware_whose_writer_yields_to(gate)
        budget = writer.YIELD_TIMEOUT_S
        writer.YIELD_TIMEOUT_S = 0.05
        self.addCleanup(setattr, writer, "YIELD_TIMEOUT_S", budget)
        self.assertIsNone(gate.acquire(None))
        self.addCleanup(gate.release)
        started = time.monotonic()
        self.assertEqual(call(mw), b"ok")
        self.assertTrue(mw.writer.flush(10))
        self.assertGreaterEqual(time.monotonic() - started, 0.05)
        self.assertEqual(len(profile_files(self.profile_dir)), 1)

    def test_the_writer_stops_waiting_once_half_its_queue_waits_behind_it(self):
        """queue_size 2: one profile being written and one waiting behind it is half the
        queue. With the gate held and a 30 s budget, the first is written at once; the
        second, with nothing behind it, waits for the gate again."""
        gate = ProfilingGate(one_per_process=True)
        mw = ProfilerMiddleware(app, profile_dir=self.profile_dir, queue_size=2)
        mw.gate = ProfilingGate(one_per_process=False)
        mw.writer.gate = gate
        self.addCleanup(mw.writer.close)
        budget = writer.YIELD_TIMEOUT_S
        writer.YIELD_TIMEOUT_S = 30
        self.addCleanup(setattr, writer, "YIELD_TIMEOUT_S", budget)
        release = threading.Event()
        real_handle = mw.writer._handle

        def held_handle(record):  # the first profile starts once the second is queued
            release.wait(10)
            real_handle(record)

        mw.writer._handle = held_handle
        self.assertIsNone(gate.acquire(None))
        try:
            self.assertEqual(call(mw), b"ok")
            self.assertEqual(call(mw), b"ok")
            release.set()
            deadline = time.monotonic() + 10
            while not profile_files(self.profile_dir) and time.monotonic() < deadline:
                time.sleep(0.01)
            self.assertEqual(len(profile_files(self.profile_dir)), 1)
        finally:
            gate.release()
        self.assertTrue(mw.writer.flush(10))
        self.assertEqual(len(profile_files(self.profile_dir)), 2)

    def test_without_one_profiler_per_process_nothing_waits(self):
        gate = ProfilingGate(one_per_process=False)
        self.assertIsNone(gate.acquire(None))
        self.addCleanup(gate.release)
        self.assertTrue(gate.wait_until_idle(0))

    def test_names_are_unique_across_threads(self):
        mw = ProfilerMiddleware(app, profile_dir=self.profile_dir, queue_size=1000, keep_max_files=0)
        self.addCleanup(mw.writer.close)

        def client():
            for _ in range(25):
                call(mw)

        threads = [threading.Thread(target=client) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        mw.writer.flush(30)
        self.assertEqual(len(profile_files(self.profile_dir)), 200)
        self.assertEqual(mw.writer.dropped, 0)

    @unittest.skipUnless(hasattr(os, "fork"), "needs fork")
    def test_forked_children_draw_their_own_random_bits_for_names(self):
        """Names end in random bits drawn once per process: a forked child (a pre-forking
        server's worker) must not keep its parent's, or two workers could collide."""
        parent_bits = naming.unique_part()[4:]
        children_bits = []
        for _ in range(3):
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:
                try:
                    os.write(write_end, naming.unique_part()[4:].encode())
                finally:
                    os._exit(0)
            os.close(write_end)
            with os.fdopen(read_end, "rb") as pipe:
                children_bits.append(pipe.read().decode())
            os.waitpid(pid, 0)
        self.assertEqual([len(bits) for bits in children_bits], [4, 4, 4])
        # Each child draws 16 bits: all three equal to the parent's by chance is 2**-48.
        self.assertNotEqual(children_bits, [parent_bits] * 3)

    def test_a_dangling_symlink_as_profile_dir_is_explained_and_the_app_keeps_serving(self):
        os.makedirs(self.tmp, exist_ok=True)
        target = os.path.join(self.tmp, "mounted", "profiles")
        os.symlink(target, self.profile_dir)
        mw = ProfilerMiddleware(app, profile_dir=self.profile_dir)
        self.addCleanup(mw.writer.close)
        with self.assertLogs("request_profiler") as logs:
            for _ in range(3):
                self.assertEqual(call(mw), b"ok")
            self.assertTrue(mw.writer.flush(10))
        self.assertEqual(len(logs.output), 1, logs.output)
        message = logs.output[0]
        self.assertIn("symbolic link", message)
        self.assertIn(target, message)
        self.assertIn("does not exist", message)
        self.assertNotIn("FileExistsError", message)
        self.assertEqual(mw.writer.failed, 3)
        os.makedirs(target)  # fixed while the app runs: profiles are written again
        call(mw)
        self.assertTrue(mw.writer.flush(10))
        self.assertEqual(len(profile_files(self.profile_dir)), 1)

    def test_a_symlink_loop_as_profile_dir_is_explained(self):
        os.makedirs(self.tmp, exist_ok=True)
        os.symlink(self.profile_dir, self.profile_dir)
        mw = ProfilerMiddleware(app, profile_dir=self.profile_dir)
        self.addCleanup(mw.writer.close)
        with self.assertLogs("request_profiler") as logs:
            self.assertEqual(call(mw), b"ok")
            self.assertTrue(mw.writer.flush(10))
        self.assertIn("symbolic link", logs.output[0])
        self.assertIn("loop", logs.output[0])

    def test_atomic_write_leaves_only_the_final_name(self):
        os.makedirs(self.profile_dir)
        write_atomic(self.profile_dir, "x.rprof.json", b"{}")
        self.assertEqual(os.listdir(self.profile_dir), ["x.rprof.json"])

    def test_temporary_names_are_never_taken_for_profiles(self):
        temp = naming.temp_name("20240101T000000.000000-GET-root-1-00000000.rprof.json")
        self.assertTrue(temp.startswith(".") and temp.endswith(".tmp"))
        self.assertFalse(naming.is_profile_name(temp))

    def test_slugs(self):
        self.assertEqual(naming.path_slug("/"), "root")
        self.assertEqual(naming.path_slug("/users/42/edit"), "users_42_edit")
        self.assertRegex(naming.path_slug("/<script>/é/" + "x" * 80), r"^[A-Za-z0-9_.]{1,40}$")
        self.assertEqual(naming.method_slug("get"), "GET")


class ParkableCodeTest(TempDirTestCase):
    """On 3.12+ the writer, woken in its own code while a request is recorded, is held
    still rather than filtered (thread_tripwire.may_park), in the files it declares
    (writer._WRITING_CODE_FILES). A file of ours it runs and did not declare costs the
    recording a filter at every such wake-up."""

    def test_every_file_of_ours_the_writer_runs_while_it_may_park_lets_it_park(self):
        ran = set()  # the source file of every frame with an event (call, return, C call)
        requests_over = threading.Event()

        def watch(frame, event, arg):
            if threading.get_ident() in thread_tripwire._PARKABLE:  # while it may park
                ran.add(frame.f_code.co_filename)

        def watched(handle):
            def watched_handle(record):
                requests_over.wait(10)  # no recording's hooks come and go while watched
                sys.setprofile(watch)
                try:
                    handle(record)
                finally:
                    sys.setprofile(None)
            return watched_handle

        def asgi_app(scope, receive, send):
            async def respond():
                await send({"type": "http.response.start", "status": 200, "headers": [(b"set-cookie", b"s=1")]})
                await send({"type": "http.response.body", "body": b"ok"})
            return respond()

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message):
            pass

        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
                 "scheme": "http", "path": "/b", "raw_path": b"/b", "query_string": b"token=t", "root_path": "",
                 "headers": [(b"host", b"h"), (b"cookie", b"c=1")], "client": ("127.0.0.1", 5000),
                 "server": ("h", 80)}
        wsgi = ProfilerMiddleware(app, profile_dir=self.profile_dir, keep_max_files=1)
        asgi = ASGIProfilerMiddleware(asgi_app, profile_dir=self.profile_dir, keep_max_files=1)
        for mw in (wsgi, asgi):
            self.addCleanup(mw.writer.close)
            mw.writer.retention_interval_s = 0
            mw.writer._handle = watched(mw.writer._handle)
        for _ in range(2):  # the second profile of each makes retention remove one
            call(wsgi, make_environ("/a", query="token=t&x=1", HTTP_COOKIE="c=1", HTTP_AUTHORIZATION="Bearer t"))
            asyncio.run(asgi(dict(scope), receive, send))
        requests_over.set()
        self.assertTrue(wsgi.writer.flush(10) and asgi.writer.flush(10))
        self.assertEqual(len(profile_files(self.profile_dir)), 1)  # retention ran
        package_dir = os.path.dirname(request_profiler.__file__)
        ours = {f for f in ran if f.startswith(package_dir + os.sep)}
        self.assertIn(writer.document.__file__, ours)  # the watch saw the writer's work
        # Where the writer waits for what a recording needs (the gate's lock) or marks
        # itself parkable: never held still there.
        recording_dir = os.path.dirname(recording.__file__)
        not_parkable = {f for f in ours if f.startswith(recording_dir + os.sep)}
        self.assertEqual(sorted(ours - not_parkable - writer._WRITING_CODE_FILES), [])
        self.assertEqual(not_parkable & writer._WRITING_CODE_FILES, set())


class RetentionTest(TempDirTestCase):
    def make(self, stems, size=10):
        os.makedirs(self.profile_dir, exist_ok=True)
        for stem in stems:
            for suffix in (".rprof.json", ".dot"):
                with open(os.path.join(self.profile_dir, stem + suffix), "wb") as f:
                    f.write(b"x" * size)

    def test_keeps_at_most_n_oldest_removed_first(self):
        stems = ["2024010%dT000000.000000-GET-root-1-0000000%d" % (i, i) for i in range(1, 8)]
        self.make(stems)
        unrelated = os.path.join(self.profile_dir, "notes.txt")
        open(unrelated, "w").close()
        removed = retention.enforce(self.profile_dir, 3, 0)
        self.assertEqual(removed, stems[:4])
        left = sorted(os.listdir(self.profile_dir))
        self.assertEqual(left, sorted([s + x for s in stems[4:] for x in (".rprof.json", ".dot")] + ["notes.txt"]))

    def test_keeps_at_most_m_megabytes(self):
        stems = ["2024010%dT000000.000000-GET-root-1-0000000%d" % (i, i) for i in range(1, 6)]
        self.make(stems, size=300 * 1024)  # 600 KiB per profile with its graph
        retention.enforce(self.profile_dir, 0, 1.0)
        self.assertEqual(len(profile_files(self.profile_dir)), 1)

    def test_stale_temporary_files_are_removed(self):
        os.makedirs(self.profile_dir)
        stale = os.path.join(self.profile_dir, ".a.rprof.json.abcdef.tmp")
        fresh = os.path.join(self.profile_dir, ".b.rprof.json.abcdef.tmp")
        for path in (stale, fresh):
            open(path, "w").close()
        os.utime(stale, (time.time() - 7200, time.time() - 7200))
        retention.enforce(self.profile_dir, 0, 0)
        self.assertEqual(os.listdir(self.profile_dir), [os.path.basename(fresh)])

    def test_orphan_side_files_of_killed_writers_are_removed_after_a_grace_period(self):
        """A writer killed between the side files and the profile (or a profile removed
        while its side files were not) leaves a .dot/.prof nobody lists."""
        os.makedirs(self.profile_dir)
        old = time.time() - 2 * retention.ORPHAN_GRACE_S
        names = {
            "kept": ["20240101T000000.000000-GET-root-1-00000001" + s for s in (".rprof.json", ".dot", ".prof")],
            "orphans": ["20240101T000000.000000-GET-a-1-00000002.dot", "20240101T000000.000000-GET-b-1-00000003.prof"],
            "fresh orphan": ["20240101T000000.000000-GET-c-1-00000004.dot"],
            "not ours": ["graph.dot", "notes.prof", "20240101-GET.dot"],
        }
        for group, files in names.items():
            for name in files:
                path = os.path.join(self.profile_dir, name)
                open(path, "w").close()
                if group != "fresh orphan":
                    os.utime(path, (old, old))
        retention.enforce(self.profile_dir, 0, 0)
        left = sorted(os.listdir(self.profile_dir))
        self.assertEqual(left, sorted(names["kept"] + names["fresh orphan"] + names["not ours"]))

    def test_middleware_applies_retention(self):
        mw = ProfilerMiddleware(app, profile_dir=self.profile_dir, keep_max_files=5)
        mw.writer.retention_interval_s = 0
        self.addCleanup(mw.writer.close)
        for _ in range(12):
            call(mw)
        mw.writer.flush()
        self.assertEqual(len(profile_files(self.profile_dir)), 5)
        self.assertEqual(len([n for n in os.listdir(self.profile_dir) if n.endswith(".dot")]), 5)


if __name__ == "__main__":
    unittest.main()
