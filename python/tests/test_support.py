"""The shared test case itself: the environment a test runs in is the test's, not the shell's."""

import os
import unittest
from typing import Any, Dict

from request_profiler.config import Config

from .support import ENV_PREFIX, TempDirTestCase, restore_profiler_environment

# What a developer might have exported while trying the middleware by hand.
EXPORTED = {
    "REQUEST_PROFILER": "0",
    "REQUEST_PROFILER_DIR": "/nonexistent/elsewhere",
    "REQUEST_PROFILER_ENGINE": "sample",
    "REQUEST_PROFILER_RUN": '{"options": {}}',
}


def profiler_variables() -> Dict[str, str]:
    return {k: v for k, v in os.environ.items() if k.startswith(ENV_PREFIX)}


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
                os.environ["REQUEST_PROFILER_SOMETHING_NEW"] = "1"

        os.environ.update(EXPORTED)
        result = unittest.TestResult()
        Inner("test_record").run(result)
        self.assertEqual(result.errors + result.failures, [])
        self.assertEqual(seen["variables"], [], "the shell's REQUEST_PROFILER* variables reached the test")
        self.assertEqual(seen["engine"], "cprofile", "an exported REQUEST_PROFILER_ENGINE made the test sampled")
        self.assertTrue(seen["enabled"], "an exported REQUEST_PROFILER=0 switched the middleware off")
        self.assertNotEqual(seen["profile_dir"], EXPORTED["REQUEST_PROFILER_DIR"])
        self.assertEqual(profiler_variables(), EXPORTED, "the shell's variables are back, the test's own are gone")


if __name__ == "__main__":
    unittest.main()
