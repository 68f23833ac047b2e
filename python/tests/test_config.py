import logging
import os
import unittest

from request_profiler import ConfigError, ProfilerMiddleware
from request_profiler.config import Config

from .support import TempDirTestCase, call, make_environ, profile_files


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


class ConfigTest(TempDirTestCase):
    def test_profile_dir_that_is_a_file_fails_at_start_up_saying_what_to_change(self):
        path = os.path.join(self.tmp, "afile")
        open(path, "w").close()
        with self.assertRaises(ConfigError) as caught:
            ProfilerMiddleware(app, profile_dir=os.path.join(path, "sub"))
        self.assertIn("is a file", str(caught.exception))
        self.assertIn("set profile_dir", str(caught.exception))

    def test_unknown_option_is_an_error(self):
        with self.assertRaises(ConfigError) as caught:
            ProfilerMiddleware(app, profile_dir=self.profile_dir, sample_evry=2)
        self.assertIn("sample_evry", str(caught.exception))

    def test_string_values_as_paste_gives_them(self):
        config = Config.from_options({"profile_dir": self.profile_dir, "sample_every": "3", "write_dot": "off",
                                      "min_duration_ms": "2.5", "ignore_paths": "^/static/\n^/health$",
                                      "redact_names": "x-tenant, ^account$"})
        self.assertEqual((config.sample_every, config.write_dot, config.min_duration_ms), (3, False, 2.5))
        self.assertTrue(config.is_ignored("/static/app.js"))
        self.assertTrue(config.is_ignored("/health"))
        self.assertTrue(config.is_ignored("/favicon.ico"))
        self.assertFalse(config.is_ignored("/healthy"))
        self.assertEqual(config.redact_names, ["x-tenant", "^account$"])
        config = Config.from_options({"profile_dir": self.profile_dir, "record_server_environ": "yes",
                                      "queue_size": "100", "queue_max_mb": "0"})
        self.assertEqual((config.record_server_environ, config.queue_size, config.queue_max_mb), (True, 100, 0))
        config = Config(profile_dir=self.profile_dir)
        self.assertEqual((config.record_server_environ, config.queue_size, config.queue_max_mb), (False, 1024, 64))

    def test_bad_values_say_which_option(self):
        for options in ({"sample_every": "zero"}, {"sample_every": 0}, {"write_dot": "maybe"}, {"ignore_paths": "("},
                        {"record_server_environ": "sometimes"}, {"queue_max_mb": "-1"}):
            with self.assertRaises(ConfigError, msg=str(options)) as caught:
                Config.from_options(dict(options, profile_dir=self.profile_dir))
            self.assertIn(next(iter(options)), str(caught.exception))

    def test_missing_directory_is_created_at_first_write(self):
        nested = os.path.join(self.tmp, "a", "b", "c")
        mw = ProfilerMiddleware(app, profile_dir=nested)
        self.addCleanup(mw.writer.close)
        self.assertFalse(os.path.exists(nested))
        call(mw)
        mw.writer.flush()
        self.assertEqual(len(profile_files(nested)), 1)

    def test_unwritable_directory_logs_once_and_requests_still_succeed(self):
        if os.geteuid() == 0:
            # root ignores permissions: make the directory's parent a file instead, after start-up.
            blocker = os.path.join(self.tmp, "blocker")
            mw = ProfilerMiddleware(app, profile_dir=os.path.join(blocker, "profiles"))
            open(blocker, "w").close()
        else:
            os.makedirs(self.profile_dir)
            os.chmod(self.profile_dir, 0o500)
            mw = ProfilerMiddleware(app, profile_dir=self.profile_dir)
        self.addCleanup(mw.writer.close)
        self.assert_requests_succeed_and_the_failure_is_logged_once(mw, 5, "could not write a profile")

    def assert_requests_succeed_and_the_failure_is_logged_once(self, mw, requests, message):
        with self.assertLogs("request_profiler", logging.WARNING) as logs:
            for _ in range(requests):
                self.assertEqual(call(mw), b"ok")
            mw.writer.flush()
        self.assertEqual(len(logs.records), 1, logs.output)
        self.assertIn(message, logs.output[0])
        self.assertEqual(mw.writer.failed, requests)

    def test_a_full_disk_mid_write_logs_once_leaves_no_partial_file_and_requests_succeed(self):
        import errno
        from unittest import mock
        import request_profiler.writer as writer_module

        class FullDiskOs:
            """The first 512 bytes of each file fit; the next write finds the disk full."""
            def __getattr__(self, name):
                return getattr(os, name)

            def write(self, fd, data):
                if os.fstat(fd).st_size >= 512:
                    raise OSError(errno.ENOSPC, "No space left on device")
                return os.write(fd, data[:512])

        mw = ProfilerMiddleware(app, profile_dir=self.profile_dir)
        self.addCleanup(mw.writer.close)
        with mock.patch.object(writer_module, "os", FullDiskOs()):
            self.assert_requests_succeed_and_the_failure_is_logged_once(mw, 3, "No space left on device")
        self.assertEqual(os.listdir(self.profile_dir), [])  # no temporary file left behind
        call(mw)  # room again: the next profile is written
        mw.writer.flush()
        self.assertEqual(len(profile_files(self.profile_dir)), 1)

class ControlsTest(TempDirTestCase):
    def middleware(self, target_app=app, **options):
        mw = ProfilerMiddleware(target_app, profile_dir=self.profile_dir, **options)
        self.addCleanup(mw.writer.close)
        return mw

    def test_ignored_paths_are_not_profiled(self):
        mw = self.middleware(ignore_paths=[r"^/static/"])
        for path in ("/favicon.ico", "/static/x.css", "/page"):
            self.assertEqual(call(mw, make_environ(path)), b"ok")
        mw.writer.flush()
        files = profile_files(self.profile_dir)
        self.assertEqual(len(files), 1)
        self.assertIn("-page-", files[0])

    def test_sampling_profiles_one_request_in_n(self):
        mw = self.middleware(sample_every=3)
        for _ in range(9):
            call(mw)
        mw.writer.flush()
        self.assertEqual(len(profile_files(self.profile_dir)), 3)

    def test_minimum_duration_drops_fast_requests(self):
        import time

        def slow_app(environ, start_response):
            if environ["PATH_INFO"] == "/slow":
                time.sleep(0.03)
            return app(environ, start_response)

        mw = self.middleware(slow_app, min_duration_ms=20)
        call(mw, make_environ("/fast"))
        call(mw, make_environ("/slow"))
        mw.writer.flush()
        files = profile_files(self.profile_dir)
        self.assertEqual(len(files), 1)
        self.assertIn("-slow-", files[0])


if __name__ == "__main__":
    unittest.main()
