"""Who may record a profile, and when: the concurrency policy.

cProfile on Python 3.12+ is built on sys.monitoring, which has one profiler slot
per interpreter: enabling a second profiler raises "ValueError: Another profiling
tool is already active". On 3.11 and earlier each thread's profiler is separate.

The policy (for users in docs/middleware.md; how it is done in
docs/middleware-internals.md):

* 3.12+: one profiler recording at a time in the process, held only while app code
  runs: a WSGI request takes it for its app call, for each chunk of its body and for
  its close(); an ASGI request for each step of its task (steps.py). Between them,
  while the server sends, other requests record. A request that wants a profile
  waits, boundedly (max_wait_s), first come first served; when the wait runs out it
  is served unprofiled, and its profile file records why (profiled: false,
  skipReason "busy: ..."). Unprofiled requests never wait.
  The recording profiler is confined to its own thread (thread_filter.py, put in
  by thread_tripwire.py while other threads run Python code), so other threads'
  work stays out of it.
* 3.8-3.11: threads profile independently and concurrently.
* Everywhere: a thread that is already recording (two middlewares stacked) serves
  the inner request unprofiled ("nested").

Taken per stretch of app code, so that a streaming response (a download, an SSE
feed) does not keep every other request waiting while the server sends it; and
concurrent tasks on one event loop are all profiled, each with its own work only.
"""

import threading
import time
from collections import deque
from typing import Deque, Optional, Set

from . import capabilities


class ProfilingGate:
    def __init__(self, one_per_process: Optional[bool] = None) -> None:
        """one_per_process: default, as cProfile works on this interpreter."""
        self.one_per_process = (capabilities.CURRENT.one_profiler_per_process if one_per_process is None
                                else one_per_process)
        self._cond = threading.Condition(threading.Lock())
        self._busy = False
        # Threads waiting for the profiler, in arrival order: the first is served next.
        # Without the order, a streaming response taking the gate back for its next
        # chunk could come before requests that were already waiting, again and again.
        self._waiting: Deque[int] = deque()
        # Threads recording now. Not a threading.local: a profile can be finished from
        # another thread (a body garbage-collected elsewhere) and must clear its owner.
        self._recording: Set[int] = set()

    def acquire(self, timeout: Optional[float]) -> Optional[str]:
        """Try to start recording. Returns None when granted, else the reason the
        request must go unprofiled."""
        me = threading.get_ident()
        if me in self._recording:
            return "nested: this thread is already recording a profile"
        if self.one_per_process:
            deadline = None if timeout is None else time.monotonic() + timeout
            with self._cond:
                if self._busy or self._waiting:
                    if not self._wait_for_turn(me, deadline):
                        return "busy: another request was being profiled (Python 3.12+ allows one profiler at a time)"
                self._busy = True
        self._recording.add(me)
        return None

    def _wait_for_turn(self, me: int, deadline: Optional[float]) -> bool:
        """With self._cond held: queue up and wait until the profiler is free and this
        thread is first in line. False when the deadline passed first."""
        self._waiting.append(me)
        granted = False
        try:
            while self._busy or self._waiting[0] != me:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._cond.wait(remaining)
            granted = True
            return True
        finally:
            was_first = self._waiting[0] == me
            self._waiting.remove(me)
            if was_first and not granted and not self._busy:
                # Gave up first in line while the profiler is free: the next may go now.
                self._cond.notify_all()

    def release(self, owner: Optional[int] = None) -> None:
        """owner: the thread that acquired (default: this one)."""
        self._recording.discard(threading.get_ident() if owner is None else owner)
        if self.one_per_process:
            with self._cond:
                self._busy = False
                # All: a request waiting to record and the writer waiting for quiet
                # (wait_until_idle) wait on the same condition.
                self._cond.notify_all()

    def wait_until_idle(self, timeout: float) -> bool:
        """3.12+: block, running no Python code, while a profile is being recorded
        (at most timeout seconds). The profile writer calls it between its steps: its
        Python code would compete with the recorded request for the GIL, and any Python
        code another thread runs during a recording trips the thread watch
        (thread_tripwire.py), which costs the request two swaps of the profiler's
        callbacks. False when the recording outlasted the timeout."""
        if not self.one_per_process or not self._busy:
            return True
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._busy:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(remaining)
        return True


# One gate per process: every middleware instance shares it, because the
# constraint (one sys.monitoring profiler) is per interpreter.
GATE = ProfilingGate()
