"""Start a server through `python -m request_profiler run -- ...` on a free port, wait
until it answers, and stop it (with its reloader or worker children)."""

import os
import signal
import socket
import subprocess
import sys
import time
from typing import Dict, List, Optional, Tuple

from .support import PACKAGE_ROOT, http_get, profile_files


# `python -m request_profiler` without putting the package's directory on the app's
# PYTHONPATH (as the extension runs it from its own folder): the app's processes must
# get the package from the launcher alone (bootstrap/sitecustomize.py).
LAUNCHER = ("import sys; sys.path.insert(0, %r); from request_profiler.__main__ import main; "
            "sys.argv[0] = 'request_profiler'; sys.exit(main())" % PACKAGE_ROOT)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LaunchedServer:
    def __init__(self, command: List[str], cwd: str, port: int, profile_dir: str,
                 python: str = sys.executable, env: Optional[Dict[str, str]] = None,
                 run_options: Optional[List[str]] = None) -> None:
        self.port = port
        self.profile_dir = profile_dir
        environment = dict(os.environ if env is None else env)
        environment.pop("REQUEST_PROFILER_DIR", None)
        environment.pop("REQUEST_PROFILER_RUN", None)
        self.log_path = os.path.join(cwd, "server-%d.log" % port)
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [python, "-c", LAUNCHER, "run", "--profile-dir", profile_dir] + (run_options or [])
            + ["--"] + command,
            cwd=cwd, env=environment, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)

    def output(self) -> str:
        self._log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def get(self, path: str, wait_s: float = 30.0) -> Tuple[int, bytes]:
        """The first request waits for the server to listen."""
        deadline = time.monotonic() + wait_s
        while True:
            try:
                return http_get(self.port, path)
            except OSError:
                if self.process.poll() is not None:
                    raise AssertionError("the server exited (%s):\n%s" % (self.process.returncode, self.output()))
                if time.monotonic() > deadline:
                    raise AssertionError("the server did not answer in %.0f s:\n%s" % (wait_s, self.output()))
                time.sleep(0.1)

    def wait_for_profiles(self, count: int = 1, wait_s: float = 15.0) -> List[str]:
        deadline = time.monotonic() + wait_s
        while True:
            files = profile_files(self.profile_dir)
            if len(files) >= count or time.monotonic() > deadline:
                return files
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                # The whole group: reloaders and workers too. SIGTERM, not SIGINT: a shell
                # that runs the tests in the background makes its children ignore SIGINT.
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
            except ProcessLookupError:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # children that outlived the leader
        except (ProcessLookupError, PermissionError):
            pass
        self._log.close()
