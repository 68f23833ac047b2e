"""The package as pip installs it (no network): every module of the source tree, its
subpackages, the run feature's sitecustomize and the py.typed marker are in it."""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from .support import PACKAGE_ROOT

REQUIRED = os.environ.get("REQUEST_PROFILER_REQUIRE_FRAMEWORKS") == "1"


def can_build_offline() -> bool:
    """setuptools >= 61 reads [project]; before 70.1 it needs the wheel package to build."""
    try:
        import setuptools
    except ImportError:
        return False
    version = tuple(int(part) for part in setuptools.__version__.split(".")[:2] if part.isdigit())
    if version < (61,):
        return False
    if version >= (70, 1):
        return True
    try:
        import wheel  # noqa: F401
    except ImportError:
        return False
    return True


def package_files(root: str):
    """Paths under request_profiler/ that an install must hold (no caches)."""
    found = set()
    top = os.path.join(root, "request_profiler")
    for directory, subdirectories, files in os.walk(top):
        subdirectories[:] = [d for d in subdirectories if d != "__pycache__"]
        for name in files:
            if name.endswith(".py") or name == "py.typed":
                found.add(os.path.relpath(os.path.join(directory, name), top))
    return found


class InstalledPackageTest(unittest.TestCase):
    def test_pip_installs_every_module_and_the_typed_marker(self):
        if not can_build_offline():
            if REQUIRED:
                self.fail("setuptools >= 61 (and wheel before 70.1) are needed to build the package")
            self.skipTest("this interpreter lacks setuptools >= 61 or wheel: it cannot build the package offline")
        tmp = tempfile.mkdtemp(prefix="rp-packaging-")
        self.addCleanup(shutil.rmtree, tmp, True)
        source = os.path.join(tmp, "src")
        shutil.copytree(PACKAGE_ROOT, source, ignore=shutil.ignore_patterns("tests", "build", "*.egg-info",
                                                                              "__pycache__"))
        site = os.path.join(tmp, "site")
        install = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-build-isolation",
                                  "--no-deps", "--no-index", "--target", site, source],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.assertEqual(install.returncode, 0, install.stdout.decode()[-2000:])
        expected = package_files(PACKAGE_ROOT)
        self.assertIn("py.typed", expected)
        self.assertIn(os.path.join("run", "bootstrap", "sitecustomize.py"), expected)
        self.assertEqual(sorted(expected - package_files(site)), [])


if __name__ == "__main__":
    unittest.main()
