"""Python 3.12+: the thread filter is in only while another thread runs Python code
(thread_tripwire.py, thread_filter.py), and each profile still holds only its own
request's work: threads that wake up, threads that start, hand-offs back and forth."""

import os
import sys
import threading
import time
import unittest

from .support import TempDirTestCase, call, function_names, load, profile_files

WAIT_S = 10
WATCH_TOOL_NAME = "request_profiler thread watch"


def busy_elsewhere():
    return sum(abs(i) for i in range(20000))


def own_step():
    return sum(abs(-i) for i in range(2000))


def registered_for_c_raise():
    """What sys.monitoring calls for the profiler's C_RAISE events right now (swapped
    out and back at once: C_RAISE is the rarest event cProfile listens to)."""
    monitoring = sys.monitoring
    current = monitoring.register_callback(monitoring.PROFILER_ID, monitoring.events.C_RAISE, None)
    monitoring.register_callback(monitoring.PROFILER_ID, monitoring.events.C_RAISE, current)
    return current


def is_cprofile_callback(callback):
    """cProfile's own callbacks are methods of the C profiler; the filter's are Python functions."""
    return type(callback).__name__ == "builtin_function_or_method"


@unittest.skipUnless(sys.version_info >= (3, 12), "cProfile sees other threads only on 3.12+")
class TripwireTest(TempDirTestCase):
    def profile_of(self, app, **options):
        from request_profiler import ProfilerMiddleware
        directory = os.path.join(self.tmp, "profiles")
        mw = ProfilerMiddleware(app, profile_dir=directory, **options)
        self.addCleanup(mw.writer.close)
        self.assertEqual(call(mw), b"ok")
        mw.writer.flush()
        (path,) = profile_files(directory)
        return load(path)

    def row(self, doc, name):
        rows = [f for f in doc["profile"]["functions"] if f["name"] == name]
        self.assertEqual(len(rows), 1, name)
        return rows[0]

    def assert_left_as_found(self):
        """No profile function, cProfile's slot free after the request; of our watch tool
        (kept between recordings) only the local watch of Thread.start."""
        monitoring = sys.monitoring
        self.assertIsNone(sys.getprofile())
        self.assertIsNone(threading.getprofile())
        for tool in (3, 4):
            if monitoring.get_tool(tool) is not None:
                self.assertEqual(monitoring.get_tool(tool), WATCH_TOOL_NAME)
                self.assertEqual(monitoring.get_events(tool), 0)
                self.assertEqual(monitoring.get_local_events(tool, threading.Thread.start.__code__),
                                 monitoring.events.PY_START)
        self.assertIsNone(monitoring.get_tool(monitoring.PROFILER_ID))

    def test_no_other_thread_at_work_leaves_cprofile_callbacks_alone(self):
        seen = []
        idle = threading.Event()
        sleeper = threading.Thread(target=idle.wait, args=(WAIT_S,))
        sleeper.start()
        self.addCleanup(sleeper.join)
        self.addCleanup(idle.set)

        def app(environ, start_response):
            own_step()
            seen.append(registered_for_c_raise())
            start_response("200 OK", [])
            return [b"ok"]

        doc = self.profile_of(app)
        self.assertTrue(is_cprofile_callback(seen[0]), seen[0])
        self.assertEqual(self.row(doc, "own_step")["nc"], 1)
        self.assert_left_as_found()

    def run_a_thread_of_ours_during_a_request(self, park_until_s, wait_s):
        """A thread that may park (as the profile writer does, thread_tripwire.may_park)
        wakes up while a request is recorded and runs code of this file. Returns the
        profile, whether the thread had finished its work before the request let go of
        the profiler, and the callback cProfile had for C_RAISE meanwhile."""
        from request_profiler.recording.thread_tripwire import may_park, must_not_park
        wake = threading.Lock()
        wake.acquire()
        done = threading.Event()

        def ours():
            may_park(time.monotonic() + park_until_s, frozenset({ours.__code__.co_filename}))
            try:
                # A C call from this frame: its first event on waking is in this file.
                if wake.acquire(timeout=WAIT_S):
                    busy_elsewhere()
                    done.set()
            finally:
                must_not_park()

        worker = threading.Thread(target=ours)
        worker.start()
        self.addCleanup(worker.join)
        seen = []

        def app(environ, start_response):
            own_step()
            wake.release()
            # wait_s: long enough for busy_elsewhere (about 2 ms) to finish many times over.
            seen.append(done.wait(wait_s))
            seen.append(registered_for_c_raise())
            own_step()
            start_response("200 OK", [])
            return [b"ok"]

        doc = self.profile_of(app)
        self.assertTrue(done.wait(WAIT_S), "the thread never finished")
        self.assertNotIn("busy_elsewhere", function_names(doc))
        self.assertEqual(self.row(doc, "own_step")["nc"], 2)
        self.assert_left_as_found()
        return doc, seen[0], seen[1]

    def test_a_thread_that_may_park_waits_out_the_recording_without_the_filter(self):
        doc, finished_while_recorded, callback = self.run_a_thread_of_ours_during_a_request(60, 0.3)
        self.assertFalse(finished_while_recorded, "the thread ran while the request was recorded")
        self.assertTrue(is_cprofile_callback(callback), callback)

    def test_a_thread_whose_parking_budget_ran_out_is_filtered_instead(self):
        doc, finished_while_recorded, callback = self.run_a_thread_of_ours_during_a_request(-1, WAIT_S)
        self.assertTrue(finished_while_recorded, "the thread was held although its budget had run out")

    def test_hand_offs_to_a_running_thread_stay_out_and_the_filter_comes_off_after_each(self):
        """The request and another thread take turns 20 times: each turn of the other
        thread puts the filter in, the request's next event takes it out."""
        turns = 20
        their_turn, our_turn = threading.Semaphore(0), threading.Semaphore(0)
        between_turns = []

        def other():
            for _ in range(turns):
                if not their_turn.acquire(timeout=WAIT_S):
                    return
                busy_elsewhere()
                our_turn.release()

        worker = threading.Thread(target=other)
        worker.start()
        self.addCleanup(worker.join)

        def app(environ, start_response):
            for _ in range(turns):
                their_turn.release()
                our_turn.acquire(timeout=WAIT_S)
                own_step()
                between_turns.append(registered_for_c_raise())
            start_response("200 OK", [])
            return [b"ok"]

        doc = self.profile_of(app)
        names = function_names(doc)
        self.assertNotIn("busy_elsewhere", names)
        self.assertEqual(self.row(doc, "own_step")["nc"], turns)
        self.assertEqual(self.row(doc, "registered_for_c_raise")["nc"], turns)
        # Every turn ended with cProfile's own callbacks back in place.
        self.assertEqual([is_cprofile_callback(c) for c in between_turns], [True] * turns)
        self.assertEqual(self.row(doc, "app")["nc"], 1)
        self.assert_left_as_found()

    def test_both_threads_busy_with_a_tiny_switch_interval(self):
        """Thread switches every few bytecodes, also in the middle of a switch of
        callbacks: the other thread's calls stay out and the counts stay exact."""
        stop = threading.Event()

        def spin():
            while not stop.is_set():
                busy_elsewhere()

        spinner = threading.Thread(target=spin)
        interval = sys.getswitchinterval()
        sys.setswitchinterval(1e-6)
        self.addCleanup(sys.setswitchinterval, interval)
        spinner.start()
        self.addCleanup(spinner.join)
        self.addCleanup(stop.set)
        steps = 300

        def app(environ, start_response):
            for _ in range(steps):
                own_step()
            start_response("200 OK", [])
            return [b"ok"]

        doc = self.profile_of(app)
        stop.set()
        self.assertNotIn("busy_elsewhere", function_names(doc))
        self.assertNotIn("spin", function_names(doc))
        self.assertEqual(self.row(doc, "own_step")["nc"], steps)
        self.assertEqual(self.row(doc, "app")["nc"], 1)
        self.assert_left_as_found()

    def test_a_thread_started_mid_request_stays_out(self):
        self.check_a_thread_started_mid_request_stays_out()

    def test_a_watch_tool_freed_by_someone_else_is_claimed_again(self):
        monitoring = sys.monitoring
        for tool in (3, 4):
            if monitoring.get_tool(tool) == WATCH_TOOL_NAME:
                monitoring.free_tool_id(tool)
        self.check_a_thread_started_mid_request_stays_out()
        self.assertIn(WATCH_TOOL_NAME, [monitoring.get_tool(tool) for tool in (3, 4)])

    def check_a_thread_started_mid_request_stays_out(self):
        def app(environ, start_response):
            own_step()
            helper = threading.Thread(target=busy_elsewhere)
            helper.start()
            helper.join()
            own_step()
            start_response("200 OK", [])
            return [b"ok"]

        doc = self.profile_of(app)
        names = function_names(doc)
        self.assertNotIn("busy_elsewhere", names)
        self.assertNotIn("_bootstrap_inner", names)  # the new thread's own frames
        self.assertEqual(self.row(doc, "own_step")["nc"], 2)
        self.assertEqual(self.row(doc, "start")["nc"], 1)
        self.assert_left_as_found()

    def test_a_thread_started_by_another_thread_mid_request_stays_out(self):
        go = threading.Event()
        done = threading.Event()

        def starter():
            go.wait(WAIT_S)
            helper = threading.Thread(target=busy_elsewhere)
            helper.start()
            helper.join()
            done.set()

        outer = threading.Thread(target=starter)
        outer.start()
        self.addCleanup(outer.join)

        def app(environ, start_response):
            go.set()
            done.wait(WAIT_S)
            own_step()
            start_response("200 OK", [])
            return [b"ok"]

        doc = self.profile_of(app)
        self.assertTrue(done.is_set())
        self.assertNotIn("busy_elsewhere", function_names(doc))
        self.assertEqual(self.row(doc, "own_step")["nc"], 1)
        self.assert_left_as_found()

    def test_threads_at_work_between_the_app_call_and_close_change_nothing(self):
        """With a list body nothing more is recorded after the app call; other threads
        running before close() must neither fail nor be recorded."""
        from request_profiler import ProfilerMiddleware
        from .support import Response, make_environ
        directory = os.path.join(self.tmp, "profiles")

        def app(environ, start_response):
            own_step()
            start_response("200 OK", [])
            return [b"ok"]

        mw = ProfilerMiddleware(app, profile_dir=directory)
        self.addCleanup(mw.writer.close)
        result = mw(make_environ(), Response().start_response)
        worker = threading.Thread(target=busy_elsewhere)
        worker.start()
        worker.join()
        busy_elsewhere()
        self.assertEqual(list(result), [b"ok"])
        result.close()
        mw.writer.flush()
        (path,) = profile_files(directory)
        doc = load(path)
        self.assertNotIn("busy_elsewhere", function_names(doc))
        self.assertEqual(self.row(doc, "own_step")["nc"], 1)
        self.assert_left_as_found()

    def test_a_request_recorded_while_another_ones_list_body_is_sent_takes_over_its_thread_watch(self):
        """Request A's list body is still being sent (its thread watch left up, to be
        lifted after sending) when request B is recorded in another thread: B gets the
        profiler at once (A no longer holds it), lays its own watch over A's, and A's
        close() in the middle of B's recording does not lift B's watch: the calls A's
        thread makes meanwhile stay out of B's profile."""
        from request_profiler import ProfilerMiddleware
        from request_profiler.recording.thread_tripwire import TRIPWIRE
        from .support import Response, make_environ
        directory = os.path.join(self.tmp, "profiles")
        b_recording, a_closed = threading.Event(), threading.Event()
        watch_during_b = []

        def app(environ, start_response):
            own_step()
            if environ["PATH_INFO"] == "/b":
                b_recording.set()
                a_closed.wait(WAIT_S)
                watch_during_b.append(TRIPWIRE.confinement is not None and TRIPWIRE.confinement.active)
                own_step()
            start_response("200 OK", [])
            return [b"ok"]

        # max_wait_s: had A kept the profiler until its close(), B would go unprofiled.
        mw = ProfilerMiddleware(app, profile_dir=directory, max_wait_s=0.5)
        self.addCleanup(mw.writer.close)
        result_a = mw(make_environ("/a"), Response().start_response)
        b = threading.Thread(target=call, args=(mw, make_environ("/b")))
        b.start()
        self.addCleanup(b.join)
        self.assertTrue(b_recording.wait(WAIT_S))
        self.assertEqual(list(result_a), [b"ok"])
        result_a.close()
        busy_elsewhere()
        a_closed.set()
        b.join()
        mw.writer.flush()
        docs = {doc["header"]["path"]: doc for doc in map(load, profile_files(directory))}
        self.assertEqual(sorted(docs), ["/a", "/b"])
        self.assertTrue(docs["/b"]["header"]["profiled"], docs["/b"]["header"]["skipReason"])
        self.assertEqual(watch_during_b, [True])
        for path, own_steps in (("/a", 1), ("/b", 2)):
            self.assertNotIn("busy_elsewhere", function_names(docs[path]))
            self.assertEqual(self.row(docs[path], "own_step")["nc"], own_steps)
            self.assertEqual(self.row(docs[path], "app")["nc"], 1)
        self.assert_left_as_found()

    def test_someone_elses_profile_function_is_kept_and_the_filter_is_on_throughout(self):
        calls = []

        def their_profiler(frame, event, arg):
            calls.append(event)

        seen = []

        def app(environ, start_response):
            own_step()
            seen.append(registered_for_c_raise())
            start_response("200 OK", [])
            return [b"ok"]

        sys.setprofile(their_profiler)
        try:
            doc = self.profile_of(app)
            self.assertIs(sys.getprofile(), their_profiler)
        finally:
            sys.setprofile(None)
        self.assertTrue(calls)
        self.assertFalse(is_cprofile_callback(seen[0]), seen[0])
        self.assertEqual(self.row(doc, "own_step")["nc"], 1)

    def test_without_a_free_tool_id_the_filter_is_on_throughout(self):
        """Also: our kept watch tool, freed by someone else since, is claimed again."""
        monitoring = sys.monitoring
        taken = []
        for tool in (3, 4):
            if monitoring.get_tool(tool) == WATCH_TOOL_NAME:
                monitoring.free_tool_id(tool)
            if monitoring.get_tool(tool) is None:
                monitoring.use_tool_id(tool, "another tool")
                taken.append(tool)
        self.addCleanup(lambda: [monitoring.free_tool_id(t) for t in taken])
        seen = []
        go = threading.Event()
        worker = threading.Thread(target=lambda: (go.wait(WAIT_S), busy_elsewhere()))
        worker.start()
        self.addCleanup(worker.join)

        def app(environ, start_response):
            go.set()
            worker.join(WAIT_S)
            own_step()
            seen.append(registered_for_c_raise())
            start_response("200 OK", [])
            return [b"ok"]

        doc = self.profile_of(app)
        self.assertFalse(is_cprofile_callback(seen[0]), seen[0])
        self.assertNotIn("busy_elsewhere", function_names(doc))
        self.assertEqual(self.row(doc, "own_step")["nc"], 1)
        self.assertIsNone(sys.getprofile())
        for tool in taken:
            self.assertEqual(monitoring.get_tool(tool), "another tool")


@unittest.skipUnless(sys.version_info >= (3, 12), "cProfile sees other threads only on 3.12+")
class LastLookTest(unittest.TestCase):
    """The GIL can pass between any two calls: an event of another thread may go on to
    the profiler's callbacks only on a look at the filter's state with no call after it.
    Each race below is forced here; with a 1 µs switch interval they happened on their
    own (a profile with another thread's calls in it, a count off by one)."""

    def setUp(self):
        import cProfile
        from request_profiler.recording.thread_filter import ThreadConfinement
        from request_profiler.recording.thread_tripwire import ThreadTripwire, _profile_hook
        self.profiler = cProfile.Profile()
        self.confinement = ThreadConfinement(self.profiler)
        self.tripwire = ThreadTripwire()  # not the process's one: nothing is laid
        self.tripwire.confinement = self.confinement
        self.hook = _profile_hook(self.confinement, self.tripwire)
        self.addCleanup(self.profiler.disable)

    def enable(self):
        from request_profiler.recording.thread_filter import DIRECT, ENABLING
        self.profiler.enable()
        if self.confinement.state is ENABLING:
            self.confinement.state = DIRECT

    def in_another_thread(self, function, confinement=None):
        """Run function in a new thread and return the filter's state and the registered
        C_RAISE callback as that thread saw them right after: this thread (the owner)
        puts cProfile's callbacks back at its next event."""
        confinement = confinement or self.confinement
        seen = []

        def run():
            try:
                function()
                seen.append((confinement.state, registered_for_c_raise()))
            except BaseException as exc:  # reported by the test's thread
                seen.append(exc)
        thread = threading.Thread(target=run)
        thread.start()
        thread.join(WAIT_S)
        self.assertFalse(thread.is_alive())
        (result,) = seen
        self.assertIsInstance(result, tuple, result)
        return result

    def run_hook(self):
        self.hook(sys._getframe(), "call", None)

    def test_callbacks_put_back_before_the_hook_returns_are_filtered_again(self):
        """The recording thread's next event puts cProfile's callbacks back; it may run
        right after the filter released its lock, before the other thread's hook returned."""
        from request_profiler.recording.thread_filter import TRANSIENT
        self.enable()
        confinement = self.confinement
        filter_transiently = confinement.filter_transiently
        calls = []

        def filter_then_owner_runs():
            filter_transiently()
            calls.append(confinement.state)
            if len(calls) == 1:
                confinement._unfilter()  # what the owner's forwarder does (on_owner)
        confinement.filter_transiently = filter_then_owner_runs
        state, callback = self.in_another_thread(self.run_hook)
        self.assertEqual(calls, [TRANSIENT, TRANSIENT])
        self.assertIs(state, TRANSIENT)
        self.assertFalse(is_cprofile_callback(callback), callback)

    def test_a_recording_begun_while_the_hook_of_an_ended_one_runs_is_filtered(self):
        """The hook of a finished stretch can still be running when the next stretch (a
        new confinement, laid by a new hook) has enabled the profiler."""
        from request_profiler.recording.thread_filter import DIRECT, TRANSIENT, ThreadConfinement
        self.confinement.stop()
        later = ThreadConfinement(self.profiler)
        self.tripwire.confinement = later
        self.profiler.enable()
        later.state = DIRECT
        state, callback = self.in_another_thread(self.run_hook, later)
        self.assertIs(state, TRANSIENT)
        self.assertFalse(is_cprofile_callback(callback), callback)

    def test_a_thread_tripping_between_arm_and_enable_waits_for_enable(self):
        """Forwarders registered before enable() would be overwritten by it."""
        from request_profiler.recording.thread_filter import ENABLING, TRANSIENT
        seen = []

        def trip():
            self.confinement.filter_transiently()
            seen.append((self.confinement.state, registered_for_c_raise()))
        waiting = threading.Thread(target=trip)
        waiting.start()
        time.sleep(0.05)
        self.assertTrue(waiting.is_alive())
        self.assertIs(self.confinement.state, ENABLING)
        self.enable()
        waiting.join(WAIT_S)
        self.assertFalse(waiting.is_alive())
        ((state, callback),) = seen
        self.assertIs(state, TRANSIENT)
        self.assertFalse(is_cprofile_callback(callback), callback)

    def test_after_disable_the_filter_knows_the_profiler_is_off(self):
        from request_profiler.recording.thread_filter import OFF
        self.enable()
        self.profiler.disable()
        state, _ = self.in_another_thread(self.run_hook)
        self.assertIs(state, OFF)


if __name__ == "__main__":
    unittest.main()
