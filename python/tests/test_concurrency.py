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


if __name__ == "__main__":
    unittest.main()


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
