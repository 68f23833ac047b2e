import os
import sys
import unittest

from .servers import EXPECTED, ServerProcess, run_clients
from .support import TempDirTestCase, function_names, load, profile_files


class ThreadedServerTest(TempDirTestCase):
    """Many concurrent clients against a threaded server. On 3.12+ one cProfile
    profiler records every thread; the gate must keep each profile to its own request."""

    def test_every_response_correct_and_every_profile_holds_only_its_own_handler(self):
        server = ServerProcess(self.profile_dir)
        try:
            results = run_clients(server, clients=8, requests_each=15)
        finally:
            out, err = server.stop()
        self.assertEqual(len(results), 120)
        for path, status, body in results:
            self.assertEqual((status, body), (200, EXPECTED[path]))
        self.assertNotIn("Traceback", err)
        self.assertNotIn("ValueError", err)
        self.assertIn("dropped=0 failed=0 written=120", out)
        files = profile_files(self.profile_dir)
        self.assertEqual(len(files), 120)
        profiled = 0
        for path in files:
            doc = load(path)
            own = "handler_%s" % doc["header"]["path"][2:]
            handlers = {n for n in function_names(doc) if n.startswith("handler_")}
            if doc["header"]["profiled"]:
                profiled += 1
                self.assertEqual(handlers, {own}, path)
                row = [f for f in doc["profile"]["functions"] if f["name"] == own][0]
                self.assertEqual(row["nc"], 1)
            else:
                self.assertTrue(doc["header"]["skipReason"].startswith("busy"), doc["header"]["skipReason"])
        # With a 2 s bounded wait and millisecond requests, nobody should have been turned away.
        self.assertEqual(profiled, 120)

    def test_a_slow_streaming_response_leaves_the_profiler_free_between_its_chunks(self):
        # The stream takes about 3 s (60 chunks, 50 ms apart), three times max_wait_s:
        # had it held the one profiler (3.12+) from its first chunk to its last, the
        # requests made meanwhile would have waited for it and been served unprofiled
        # ("busy"). Waiting for each other's short stretches takes far less than 1 s.
        import http.client
        import threading
        server = ServerProcess(self.profile_dir, max_wait_s="1")
        streamed = []
        first_chunk = threading.Event()

        def stream():
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
            try:
                connection.request("GET", "/stream")
                response = connection.getresponse()
                first = response.readline()
                first_chunk.set()
                streamed.append((response.status, first + response.read()))
            finally:
                first_chunk.set()
                connection.close()

        try:
            streaming = threading.Thread(target=stream)
            streaming.start()
            self.assertTrue(first_chunk.wait(60))
            results = run_clients(server, clients=8, requests_each=4)
            streaming.join()
        finally:
            out, err = server.stop()
        self.assertEqual(streamed, [(200, EXPECTED["/stream"])])
        for path, status, body in results:
            self.assertEqual((status, body), (200, EXPECTED[path]))
        self.assertNotIn("Traceback", err)
        self.assertIn("dropped=0 failed=0 written=33", out)
        docs = [load(path) for path in profile_files(self.profile_dir)]
        self.assertEqual([d["header"]["skipReason"] for d in docs if not d["header"]["profiled"]], [])
        (streaming,) = [d for d in docs if d["header"]["path"] == "/stream"]
        # The stream's profile holds all of its generator's work, and nothing of the
        # requests recorded between its chunks.
        chunk = [f for f in streaming["profile"]["functions"] if f["name"] == "stream_chunk"]
        self.assertEqual(chunk[0]["nc"], 60)
        self.assertEqual([n for n in function_names(streaming) if n.startswith("handler_")], [])
        for doc in docs:
            if doc is not streaming:
                own = "handler_%s" % doc["header"]["path"][2:]
                self.assertEqual({n for n in function_names(doc) if n.startswith("handler_")}, {own})
                self.assertNotIn("stream_chunk", function_names(doc))


if __name__ == "__main__":
    unittest.main()


class GateOrderTest(unittest.TestCase):
    def test_a_request_already_waiting_gets_the_profiler_before_one_that_takes_it_back_at_once(self):
        # What a streaming response does between two chunks: gives the profiler back
        # and asks for it again a moment later. A request waiting meanwhile goes first.
        import threading
        import time
        from request_profiler.recording.gate import ProfilingGate
        gate = ProfilingGate(one_per_process=True)
        order = []
        self.assertIsNone(gate.acquire(1))

        def waiter():
            if gate.acquire(10) is None:
                order.append("waiting request")
                gate.release()

        thread = threading.Thread(target=waiter)
        thread.start()
        deadline = time.monotonic() + 10
        while not gate._cond._waiters and time.monotonic() < deadline:  # until it waits
            time.sleep(0.001)
        gate.release()
        self.assertIsNone(gate.acquire(10))
        order.append("stream's next chunk")
        gate.release()
        thread.join()
        self.assertEqual(order, ["waiting request", "stream's next chunk"])

    def test_a_waiter_that_gives_up_first_in_line_lets_the_next_one_go(self):
        import threading
        from request_profiler.recording.gate import ProfilingGate
        gate = ProfilingGate(one_per_process=True)
        self.assertIsNone(gate.acquire(1))
        refusals = []
        impatient = threading.Thread(target=lambda: refusals.append(gate.acquire(0.05)))
        impatient.start()
        impatient.join()
        self.assertTrue(refusals[0].startswith("busy"), refusals)
        gate.release()
        self.assertIsNone(gate.acquire(0))  # nobody left in line
        gate.release()


def busy_elsewhere():
    return sum(abs(i) for i in range(300000))


def own_request_work():
    return sum(abs(-i) for i in range(300000))


@unittest.skipUnless(sys.version_info >= (3, 12), "cProfile sees other threads only on 3.12+")
class ThreadConfinementTest(TempDirTestCase):
    def run_with_background_thread(self, confine):
        import threading
        from request_profiler import ProfilerMiddleware
        from .support import call
        started = threading.Event()

        def app(environ, start_response):
            started.set()
            own_request_work()
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok"]

        def background():
            started.wait(10)
            busy_elsewhere()

        directory = os.path.join(self.tmp, "confine-%s" % confine)
        mw = ProfilerMiddleware(app, profile_dir=directory, confine_threads=confine)
        self.addCleanup(mw.writer.close)
        thread = threading.Thread(target=background)
        thread.start()
        call(mw)
        thread.join()
        mw.writer.flush()
        (path,) = profile_files(directory)
        return load(path)

    def test_other_threads_stay_out_of_a_confined_profile(self):
        doc = self.run_with_background_thread(confine=True)
        names = function_names(doc)
        self.assertIn("own_request_work", names)
        self.assertNotIn("busy_elsewhere", names)
        own = [f for f in doc["profile"]["functions"] if f["name"] == "own_request_work"][0]
        self.assertEqual(own["nc"], 1)
        self.assertTrue(any("confined" in n for n in doc["profile"]["notes"]))

    def test_without_confinement_they_get_in(self):
        doc = self.run_with_background_thread(confine=False)
        self.assertIn("busy_elsewhere", function_names(doc))
        self.assertTrue(any("may appear" in n for n in doc["profile"]["notes"]))
