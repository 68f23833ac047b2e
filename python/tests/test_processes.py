"""Several processes writing into one directory, and writers killed with SIGKILL."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import unittest

from .support import PACKAGE_ROOT, TempDirTestCase, profile_files

WRITER_SOURCE = textwrap.dedent("""
    import sys
    sys.path.insert(0, sys.argv[1])
    from wsgiref.util import setup_testing_defaults
    from request_profiler import ProfilerMiddleware

    def deep(n):
        return n if n < 2 else deep(n - 1) + deep(n - 2)

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        # Many distinct functions make a big profile, so a kill often lands mid-write.
        namespace = {"deep": deep}
        for k in range(int(environ.get("FUNCS", "1"))):
            exec("def f%d():\\n    return deep(5)\\n" % k, namespace)
            namespace["f%d" % k]()
        return [b"ok"]

    middleware = ProfilerMiddleware(app, profile_dir=sys.argv[2], queue_size=100000, keep_max_files=0)
    count, funcs = int(sys.argv[3]), sys.argv[4]
    if count > 100000:
        # Crash mode: write files slowly, 4 KB per os.write call (write_atomic loops
        # over partial writes), so that kills land mid-write.
        import os, time
        import request_profiler.writer as writer_module

        class SlowOs:
            def __getattr__(self, name):
                return getattr(os, name)
            def write(self, fd, data):
                written = os.write(fd, data[:4096])
                time.sleep(0.002)
                return written

        writer_module.os = SlowOs()
    for i in range(count):
        environ = {"PATH_INFO": "/same/path", "FUNCS": funcs}
        setup_testing_defaults(environ)
        result = middleware(environ, lambda *a: None)
        list(result)
        result.close()
        if count > 100000:
            middleware.writer.flush(60)  # endless mode: keep writing, one profile at a time
    middleware.writer.flush(120)
    print("written=%d dropped=%d failed=%d" % (middleware.writer.written, middleware.writer.dropped,
                                              middleware.writer.failed))
""")


def start_writer(directory, count, funcs=1):
    return subprocess.Popen([sys.executable, "-c", WRITER_SOURCE, PACKAGE_ROOT, directory, str(count), str(funcs)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


class MultiProcessTest(TempDirTestCase):
    def test_several_processes_writing_one_directory_lose_nothing(self):
        processes = [start_writer(self.profile_dir, 60) for _ in range(4)]
        outputs = [p.communicate(timeout=180) for p in processes]
        for process, (out, err) in zip(processes, outputs):
            self.assertEqual(process.returncode, 0, err.decode())
            self.assertIn(b"written=60 dropped=0 failed=0", out)
        files = profile_files(self.profile_dir)
        # Same path, same second, four processes: every profile kept under its own name.
        self.assertEqual(len(files), 240)
        self.assertEqual(len({json.load(open(f))["header"]["id"] for f in files}), 240)
        self.assertEqual(len({json.load(open(f))["header"]["pid"] for f in files}), 4)


@unittest.skipUnless(hasattr(os, "fork"), "needs fork")
class ForkTest(TempDirTestCase):
    def test_a_forked_child_gets_its_own_writer(self):
        from request_profiler import ProfilerMiddleware

        from .support import call

        def app(environ, start_response):
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok"]

        mw = ProfilerMiddleware(app, profile_dir=self.profile_dir)
        self.addCleanup(mw.writer.close)
        call(mw)  # starts the parent's writer thread
        mw.writer.flush()
        pid = os.fork()
        if pid == 0:  # child: the parent's writer thread does not exist here
            code = 1
            try:
                for _ in range(3):
                    call(mw)
                code = 0 if mw.writer.flush(10) and mw.writer.written == 4 else 2
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        self.assertEqual(os.WEXITSTATUS(status), 0)
        pids = sorted(json.load(open(p))["header"]["pid"] for p in profile_files(self.profile_dir))
        self.assertEqual(pids.count(os.getpid()), 1)
        self.assertEqual(pids.count(pid), 3)


def names_ending(directory, suffix):
    try:
        return {name for name in os.listdir(directory) if name.endswith(suffix)}
    except FileNotFoundError:  # the middleware has not made the directory yet
        return set()


def wait_for_a_new_file(directory, process, suffix, before, limit_s=60):
    """Returns once a file with the suffix, not among those before, is in the directory, or the writer died."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline and process.poll() is None:
        if names_ending(directory, suffix) - before:
            return
        time.sleep(0.002)


@unittest.skipUnless(hasattr(signal, "SIGKILL"), "needs SIGKILL")
class CrashTest(TempDirTestCase):
    def test_processes_killed_while_writing_leave_nothing_a_reader_would_take_for_a_profile(self):
        killed = 0
        # Each writer is killed a different while after a write began, or after a profile was
        # finished: a fixed delay from the start would depend on how long the interpreter takes to
        # start on a busy machine.
        for after, delay in ((".tmp", 0.0), (".tmp", 0.05), (".tmp", 0.15),
                             (".rprof.json", 0.0), (".rprof.json", 0.2), (".rprof.json", 0.4)):
            before = names_ending(self.profile_dir, after)
            process = start_writer(self.profile_dir, 10 ** 9, funcs=400)
            wait_for_a_new_file(self.profile_dir, process, after, before)
            time.sleep(delay)
            process.send_signal(signal.SIGKILL)
            process.communicate(timeout=30)
            killed += process.returncode == -signal.SIGKILL
        self.assertEqual(killed, 6)
        names = os.listdir(self.profile_dir)
        leftovers = [n for n in names if n.endswith(".tmp")]
        self.assertTrue(leftovers, "no kill landed mid-write: the test did not test anything")
        profiles = profile_files(self.profile_dir)
        self.assertTrue(profiles, "the writers should have finished some profiles before being killed")
        for path in profiles:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)  # complete JSON, never half a file
            self.assertEqual(doc["header"]["functionCount"], len(doc["profile"]["functions"]))
        for name in names:  # the profile is renamed into place first: no graph without its profile
            if name.endswith(".dot"):
                self.assertIn(name[: -len(".dot")] + ".rprof.json", names, "a graph without its profile")
        for name in names:
            if not (name.endswith(".rprof.json") or name.endswith(".dot")):
                self.assertTrue(name.startswith(".") and name.endswith(".tmp"), name)


if __name__ == "__main__":
    unittest.main()
