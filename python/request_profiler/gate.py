"""Who may record a profile, and when: the concurrency policy.

cProfile on Python 3.12+ is built on sys.monitoring: one enabled profiler records
*every* thread, and enabling a second raises "ValueError: Another profiling tool is
already active". Worse, calls of another thread interleave with the profiled
thread's calls on the profiler's single stack and corrupt its numbers. On 3.11 and
earlier a profiler sees only the thread that enabled it.

The policy (documented in docs/middleware.md):

* 3.12+: at most one profiler is enabled in the process. While it records, no other
  work this package controls runs Python code: unprofiled requests and the
  background writer ("others") wait for it. A request that wants a profile waits,
  boundedly, for the current profile and for others already running; when the wait
  runs out it is served unprofiled and its profile records why. An unprofiled
  request that cannot wait any longer runs anyway and the profile it overlapped
  records the overlap.
* 3.8-3.11: threads profile independently; only nesting in one thread (two
  middlewares stacked) is refused.

ASGI requests take the gate for each step of their task (see asgi.py), so
concurrent tasks on one event loop are all profiled, each with its own work only.
"""

import sys
import threading
import time
from typing import Optional

PROFILER_SEES_ALL_THREADS = sys.version_info >= (3, 12)


class ProfilingGate:
    def __init__(self, all_threads: bool = PROFILER_SEES_ALL_THREADS) -> None:
        self.all_threads = all_threads
        self._cond = threading.Condition(threading.Lock())
        self._owner_thread: Optional[int] = None
        self._others_running = 0
        self._others_waiting = 0
        self._overlaps = 0
        self._local = threading.local()

    # -- profiling side -------------------------------------------------------
    def acquire(self, timeout: Optional[float]) -> Optional[str]:
        """Try to become the (only) recording profiler. Returns None when granted,
        else the reason the request must go unprofiled."""
        me = threading.get_ident()
        if getattr(self._local, "recording", False):
            return "nested: this thread is already recording a profile"
        if not self.all_threads:
            self._local.recording = True
            return None
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._owner_thread is not None or self._others_running or self._others_waiting:
                if self._owner_thread == me:
                    return "nested: this thread is already recording a profile"
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    if self._owner_thread is not None:
                        return "busy: another request was being profiled (Python 3.12+ allows one profiler at a time)"
                    return "busy: other requests were running (Python 3.12+ profiles every thread)"
                self._cond.wait(remaining)
            self._owner_thread = me
            self._overlaps = 0
        self._local.recording = True
        return None

    def release(self) -> int:
        """Stop being the recording profiler; returns how many pieces of unprofiled
        work ran during the recording anyway (0 on 3.11 and earlier)."""
        self._local.recording = False
        if not self.all_threads:
            return 0
        with self._cond:
            overlaps = self._overlaps
            self._owner_thread = None
            self._overlaps = 0
            self._cond.notify_all()
        return overlaps

    # -- everything else (unprofiled requests, the writer) -------------------
    def enter_other(self, timeout: Optional[float]) -> bool:
        """Register unprofiled work, first waiting (boundedly) for a recording
        profiler to finish. Returns whether exit_other must be called."""
        if not self.all_threads or getattr(self._local, "recording", False):
            return False
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            self._others_waiting += 1
            try:
                while self._owner_thread is not None:
                    remaining = None if deadline is None else deadline - time.monotonic()
                    if remaining is not None and remaining <= 0:
                        self._overlaps += 1
                        break
                    self._cond.wait(remaining)
            finally:
                self._others_waiting -= 1
            self._others_running += 1
        return True

    def exit_other(self, entered: bool) -> None:
        if not entered:
            return
        with self._cond:
            self._others_running -= 1
            self._cond.notify_all()

# One gate per process: every middleware instance and writer shares it, because
# the constraint (one profiler, every thread recorded) is per interpreter.
GATE = ProfilingGate()
