"""`python -m request_profiler to-pstats`: a profile becomes a file pstats reads, and a profile
with nothing to convert is refused with the reason, a non-zero exit and no output file."""

import contextlib
import io
import os
import pstats
import shutil
import tempfile
import unittest

from request_profiler.__main__ import main

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(REPO, "test", "fixtures", "profiles")


def fixture(part):
    (name,) = [n for n in os.listdir(FIXTURES) if part in n and n.endswith(".rprof.json")]
    return os.path.join(FIXTURES, name)


@unittest.skipUnless(os.path.isdir(FIXTURES), "fixtures not present")
class ToPstatsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="rp-to-pstats-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.output = os.path.join(self.tmp, "out.prof")

    def convert(self, profile):
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr):
            code = main(["to-pstats", profile, self.output])
        return code, stderr.getvalue()

    def test_a_profiled_request_becomes_a_file_pstats_reads(self):
        code, stderr = self.convert(fixture("-GET-slow-"))
        self.assertEqual((code, stderr), (0, ""))
        stats = pstats.Stats(self.output, stream=io.StringIO())
        self.assertGreater(stats.total_calls, 0)

    def test_an_unprofiled_request_is_refused_with_the_reason_and_no_file(self):
        code, stderr = self.convert(fixture("-GET-api_users_8-"))
        self.assertEqual(code, 1)
        self.assertIn("served unprofiled (busy", stderr)
        self.assertIn("no pstats file was written", stderr)
        self.assertFalse(os.path.exists(self.output))

    def test_a_broken_profile_is_refused_with_the_reason_and_no_file(self):
        for name in ("broken-truncated.rprof.json", "not-json.rprof.json"):
            code, stderr = self.convert(os.path.join(FIXTURES, name))
            self.assertEqual(code, 1, name)
            self.assertIn("cannot read %s" % os.path.join(FIXTURES, name), stderr)
            self.assertFalse(os.path.exists(self.output), name)

    def test_a_missing_file_is_refused_with_the_reason(self):
        code, stderr = self.convert(os.path.join(self.tmp, "absent.rprof.json"))
        self.assertEqual(code, 1)
        self.assertIn("No such file", stderr)


if __name__ == "__main__":
    unittest.main()
