"""The shared test case itself: the environment a test runs in is the test's, not the shell's."""

import os
import unittest
from typing import Any, Dict

from request_profiler.config import Config

from .support import PROFILER_VARIABLES, TempDirTestCase, restore_profiler_environment

# What a developer might have exported while trying the middleware by hand.
EXPORTED = {
    "REQUEST_PROFILER": "0",
    "REQUEST_PROFILER_DIR": "/nonexistent/elsewhere",
    "REQUEST_PROFILER_ENGINE": "sample",
    "REQUEST_PROFILER_RUN": '{"options": {}}',
}


def profiler_variables() -> Dict[str, str]:
    return {k: v for k, v in os.environ.items() if k in PROFILER_VARIABLES}


class TempDirEnvironmentTest(unittest.TestCase):
    def setUp(self) -> None:
        self.addCleanup(restore_profiler_environment, profiler_variables())

    def test_exported_profiler_variables_are_cleared_for_the_test_and_put_back_after(self) -> None:
        seen: Dict[str, Any] = {}

        class Inner(TempDirTestCase):
            def test_record(self) -> None:
                config = Config(profile_dir=self.profile_dir)
                seen.update(variables=sorted(profiler_variables()), engine=config.engine,
                            enabled=config.enabled, profile_dir=config.profile_dir)
                # Set by the test itself: must not reach the next one.
                os.environ["REQUEST_PROFILER_ENGINE"] = "cprofile"
                os.environ["REQUEST_PROFILER_DIR"] = self.profile_dir

        os.environ.update(EXPORTED)
        result = unittest.TestResult()
        Inner("test_record").run(result)
        self.assertEqual(result.errors + result.failures, [])
        self.assertEqual(seen["variables"], [], "the shell's REQUEST_PROFILER* variables reached the test")
        self.assertEqual(seen["engine"], "cprofile", "an exported REQUEST_PROFILER_ENGINE made the test sampled")
        self.assertTrue(seen["enabled"], "an exported REQUEST_PROFILER=0 switched the middleware off")
        self.assertNotEqual(seen["profile_dir"], EXPORTED["REQUEST_PROFILER_DIR"])
        self.assertEqual(profiler_variables(), EXPORTED, "the shell's variables are back, the test's own are gone")

    def test_the_harness_s_own_variables_are_left_alone(self) -> None:
        seen: Dict[str, Any] = {}

        class Inner(TempDirTestCase):
            def test_record(self) -> None:
                seen["value"] = os.environ.get("REQUEST_PROFILER_REQUIRE_FRAMEWORKS")

        saved = os.environ.get("REQUEST_PROFILER_REQUIRE_FRAMEWORKS")
        self.addCleanup(lambda: os.environ.pop("REQUEST_PROFILER_REQUIRE_FRAMEWORKS", None) if saved is None
                        else os.environ.__setitem__("REQUEST_PROFILER_REQUIRE_FRAMEWORKS", saved))
        os.environ["REQUEST_PROFILER_REQUIRE_FRAMEWORKS"] = "1"
        result = unittest.TestResult()
        Inner("test_record").run(result)
        self.assertEqual(result.errors + result.failures, [])
        self.assertEqual(seen["value"], "1", "need() must still fail, not skip, where the frameworks are required")


class ProcessEnvironmentTest(unittest.TestCase):
    def test_importing_the_tests_clears_the_shell_s_variables_for_every_test_and_child_process(self) -> None:
        import subprocess
        import sys
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        watched = list(PROFILER_VARIABLES) + ["REQUEST_PROFILER_REQUIRE_FRAMEWORKS"]
        probe = subprocess.run(
            [sys.executable, "-c", "import os, sys, tests.test_frameworks; "
             "print(sorted(k for k in sys.argv[1:] if k in os.environ))"] + watched,
            cwd=root, env=dict(os.environ, **EXPORTED, REQUEST_PROFILER_REQUIRE_FRAMEWORKS="0"),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=60)
        self.assertEqual(probe.returncode, 0, probe.stderr)
        self.assertEqual(probe.stdout.strip(), "['REQUEST_PROFILER_REQUIRE_FRAMEWORKS']",
                         "the shell's REQUEST_PROFILER* variables reach every test (the harness's own stays)")

if __name__ == "__main__":
    unittest.main()
