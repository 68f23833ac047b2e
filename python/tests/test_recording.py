"""The recording package: what it checks at start-up and what it does when a check
fails (the plain serialised mode, said in each profile), and that the recording's
own calls never show in a profile."""

import asyncio
import os
import sys
import threading
import unittest
from unittest import mock

from request_profiler import ASGIProfilerMiddleware, ProfilerMiddleware
from request_profiler.recording import GATE, ProfilingGate, capabilities, capabilities_now
from request_profiler.recording.capabilities import CHECKED_VERSIONS, decide

from .support import TempDirTestCase, call, call_asgi, load, profile_files
from . import test_thread_tripwire as monitoring_helpers  # a module, so its tests are not collected twice

PACKAGE_DIR = os.path.dirname(os.path.abspath(capabilities.__file__)).rsplit(os.sep, 1)[0]
# The middleware's functions around each stretch of app code (the wrappers the app
# itself calls, start_response and send, are its work and belong in the profile).
STRETCH_CONTROL = {"begin", "stop", "finish", "_start", "begin_stretch", "finish_request", "_runs_no_app_code", "step", "_begin",
                   "_end", "__next__", "close", "_profiled_close"}
PLAIN_MODE = "recording: plain serialised mode (one request recorded at a time, no thread confinement) because "


def checked(**changes):
    """decide() on what a checked 3.12 finds, with the given findings changed."""
    found = dict(version=(3, 12, 1), has_monitoring=True, gil_enabled=True, callbacks_missing=[],
                 higher_tool_ids_first=True, can_hook_all_threads=True)
    found.update(changes)
    found["version"] = tuple(found["version"][:2])
    return decide(**found)


class DecisionTest(unittest.TestCase):
    def test_checked_versions_confine_with_the_tripwire(self):
        for version in CHECKED_VERSIONS:
            caps = checked(version=version + (0,))
            self.assertTrue(caps.one_profiler_per_process and caps.confinement and caps.tripwire, caps)
            self.assertIsNone(caps.plain_mode_note())

    def test_before_3_12_profilers_are_per_thread_and_nothing_is_confined(self):
        caps = checked(version=(3, 11, 7), has_monitoring=False)
        self.assertFalse(caps.one_profiler_per_process or caps.confinement or caps.tripwire, caps)
        self.assertIsNone(caps.plain_mode_note())

    def test_each_failed_check_falls_back_to_the_plain_serialised_mode_and_says_why(self):
        failures = {
            "on 3.14": (dict(version=(3, 14, 0)), "checked on Python 3.12 and 3.13 only, not on 3.14"),
            "free-threaded": (dict(gil_enabled=False), "the GIL is disabled (free-threaded build)"),
            "callback table": (dict(callbacks_missing=["cProfile.Profile._ccall_callback"]),
                               "missing: cProfile.Profile._ccall_callback"),
            "dispatch order": (dict(higher_tool_ids_first=False), "does not call its tools in the order"),
        }
        for case, (changes, reason) in failures.items():
            with self.subTest(case):
                caps = checked(**changes)
                self.assertTrue(caps.one_profiler_per_process, "the gate still serialises")
                self.assertFalse(caps.confinement or caps.tripwire, caps)
                note = caps.plain_mode_note()
                self.assertTrue(note is not None and note.startswith(PLAIN_MODE), note)
                self.assertIn(reason, note)

    def test_an_order_that_cannot_be_checked_confines_from_the_start(self):
        caps = checked(higher_tool_ids_first=None)
        self.assertTrue(caps.confinement)
        self.assertFalse(caps.tripwire)
        self.assertIsNone(caps.plain_mode_note())

    @unittest.skipUnless(sys.version_info >= (3, 12), "sys.monitoring is 3.12+")
    def test_the_probe_finds_this_interpreter_as_checked(self):
        order = capabilities.higher_tool_ids_run_first()
        if order is None:  # the thread watch of an earlier test keeps one of the two tool ids
            self.assertIn("request_profiler thread watch", [sys.monitoring.get_tool(t) for t in (3, 4)])
        else:
            self.assertTrue(order)
        caps = capabilities.probe()
        self.assertIsNone(caps.plain_mode_reason)
        self.assertTrue(caps.confinement, caps)
        self.assertEqual(caps.tripwire, order is True)
        self.assertEqual(capabilities.missing_callbacks(), [])
        for tool in (3, 4):  # the dispatch check gave its tool ids back
            self.assertNotEqual(sys.monitoring.get_tool(tool), "request_profiler dispatch check")

    @unittest.skipUnless(sys.version_info >= (3, 12), "sys.monitoring is 3.12+")
    def test_the_probe_sees_a_disabled_gil_and_a_missing_callback(self):
        with mock.patch.object(sys, "_is_gil_enabled", lambda: False, create=True):
            self.assertIn("GIL is disabled", capabilities.probe().plain_mode_reason or "")
        renamed = capabilities.CALLBACK_TABLE + (("CALL", "_ccall_callback_v2"),)  # a future _lsprof's name
        with mock.patch.object(capabilities, "CALLBACK_TABLE", renamed):
            self.assertIn("missing: cProfile.Profile._ccall_callback_v2", capabilities.probe().plain_mode_reason or "")


def thread_starting_app(seen):
    def app(environ, start_response):
        worker = threading.Thread(target=sum, args=([1, 2],))
        worker.start()  # on a confining 3.12+ this puts the thread filter in for the rest of the recording
        worker.join()
        seen["filtered"] = not monitoring_helpers.is_cprofile_callback(monitoring_helpers.registered_for_c_raise())
        seen["gate held"] = GATE._busy
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]
    return app


@unittest.skipUnless(sys.version_info >= (3, 12), "the plain mode is the 3.12+ fallback")
class PlainModeTest(TempDirTestCase):
    def profile(self, caps):
        seen = {}
        with mock.patch.object(capabilities, "CURRENT", caps):
            mw = ProfilerMiddleware(thread_starting_app(seen), profile_dir=self.profile_dir)
            self.addCleanup(mw.writer.close)
            self.assertEqual(call(mw), b"ok")
        mw.writer.flush()
        (path,) = profile_files(self.profile_dir)
        return load(path), seen

    def test_a_failed_check_records_without_confinement_one_at_a_time_with_a_note(self):
        doc, seen = self.profile(checked(version=(3, 14, 0)))
        self.assertTrue(doc["header"]["profiled"])
        self.assertFalse(seen["filtered"], "the thread filter was put in although a check failed")
        self.assertTrue(seen["gate held"], "the plain mode must still record one request at a time")
        notes = doc["profile"]["notes"]
        self.assertIn("python 3.12+: cProfile sees every thread; work of other threads may appear in this profile", notes)
        self.assertIn(PLAIN_MODE + "the thread confinement was checked on Python 3.12 and 3.13 only, not on 3.14",
                      notes)

    def test_an_asgi_profile_says_so_too(self):
        with mock.patch.object(capabilities, "CURRENT", checked(gil_enabled=False)):
            mw = ASGIProfilerMiddleware(asgi_app, profile_dir=self.profile_dir)
            self.addCleanup(mw.writer.close)
            call_asgi(mw)
        mw.writer.flush()
        (path,) = profile_files(self.profile_dir)
        notes = load(path)["profile"]["notes"]
        self.assertIn(PLAIN_MODE + "the GIL is disabled (free-threaded build), and the thread confinement relies on it",
                      notes)

    def test_with_every_check_passed_the_same_request_is_confined_and_has_no_such_note(self):
        doc, seen = self.profile(checked(version=sys.version_info))
        self.assertTrue(seen["filtered"])
        self.assertFalse(any(note.startswith(PLAIN_MODE) for note in doc["profile"]["notes"]))


def streamed_app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])

    def body():
        yield b"a"
        yield b"b"
    return body()


async def asgi_app(scope, receive, send):
    await asyncio.sleep(0)
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


class OwnCallsTest(TempDirTestCase):
    """Recording.stop() is called while the profiler is on: extract() leaves it out."""

    def assert_only_app_code(self, doc):
        self.assertTrue(doc["header"]["profiled"])
        ours = [f for f in doc["profile"]["functions"] if f["file"].startswith(PACKAGE_DIR)
                and (f["name"] in STRETCH_CONTROL or f["file"].startswith(os.path.join(PACKAGE_DIR, "recording")))]
        self.assertEqual(ours, [])
        self.assertFalse([f for f in doc["profile"]["functions"] if "register_callback" in f["name"]])

    def test_a_streamed_wsgi_profile_holds_none_of_the_recordings_calls(self):
        mw = ProfilerMiddleware(streamed_app, profile_dir=self.profile_dir, max_wait_s=10)
        self.addCleanup(mw.writer.close)
        self.assertEqual(call(mw), b"ab")
        mw.writer.flush()
        (path,) = profile_files(self.profile_dir)
        doc = load(path)
        self.assertIn("body", [f["name"] for f in doc["profile"]["functions"]])
        self.assert_only_app_code(doc)

    def test_an_asgi_profile_holds_none_of_the_recordings_calls(self):
        mw = ASGIProfilerMiddleware(asgi_app, profile_dir=self.profile_dir)
        self.addCleanup(mw.writer.close)
        sent = []

        self.assertEqual(call_asgi(mw)[0]["status"], 200)
        mw.writer.flush()
        (path,) = profile_files(self.profile_dir)
        doc = load(path)
        self.assertIn("asgi_app", [f["name"] for f in doc["profile"]["functions"]])
        self.assert_only_app_code(doc)

    def test_a_fresh_gate_follows_the_capabilities(self):
        self.assertEqual(ProfilingGate().one_per_process, capabilities_now().one_profiler_per_process)


if __name__ == "__main__":
    unittest.main()
