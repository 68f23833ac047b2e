"""Python 3.12+: notice each moment another thread runs Python code while a
request is recorded, so that the thread filter (thread_filter.py) is in only then.

The filter costs one Python call per profiler event; most of the time no other
thread runs Python code during a request (they wait on a socket, a queue, a lock),
and cProfile's own callbacks can then be left alone. What trips the wire:

* every other thread gets a legacy profile function (sys.setprofile, which unlike
  sys.monitoring is per thread), for the whole recording. CPython calls it only
  for threads that have one, and calls sys.setprofile's tool before cProfile's for
  the same event, so each event of another thread can put the filter in before
  cProfile sees it (checked on 3.12 and 3.13). In the recording thread the check
  is a C call per event (about 10 % of cProfile's own cost), not a Python one.
* a thread started during the recording has no profile function from its first
  event (threading sets its hook only after some of its own code has run), so a
  sys.monitoring tool of ours watches threading.Thread.start, local to that one
  code object: starting a thread puts the filter in for good, before the thread
  exists.

Fixed cost: laying and lifting the profile functions each change sys.monitoring's
events, which re-instruments the running code of every thread (about 20 us each on
the demo server); the WSGI middleware lifts them after the response is sent.

Not seen: threads started with _thread.start_new_thread by the recording thread
itself, and native threads that first enter Python during the recording. A profile
function set with sys.setprofile in another thread alone cannot be seen from here
and is replaced (one set for this thread or with threading.setprofile is seen: we
then stand aside and the caller filters from the start).
"""

import sys
import threading
from typing import Any, Callable, Optional

from .thread_filter import DIRECT, RESTORING, ThreadConfinement

AVAILABLE = (sys.version_info >= (3, 12) and hasattr(sys, "monitoring")
             and hasattr(sys, "_setprofileallthreads"))

# Tool ids sys.monitoring leaves free (0-2 and 5 are named for debuggers, coverage,
# profilers and optimizers). Tried in this order while arming, released when disarmed.
_WATCH_TOOL_IDS = (4, 3)

_get_ident = threading.get_ident


class ThreadTripwire:
    """One per process: sys.setprofile hooks and sys.monitoring tools are per interpreter,
    and on 3.12+ only one request is recorded at a time (gate.py)."""

    def __init__(self) -> None:
        self._watch_tool: Optional[int] = None
        self._hooks_set = False

    def arm(self, confinement: ThreadConfinement) -> bool:
        """Called by the recording thread before the profiler is enabled. False when
        the wire cannot be laid (someone else's profile function or profiler, no free
        tool id): the caller must then filter from the start."""
        if not AVAILABLE or self._watch_tool is not None:  # armed already (and not disarmed)
            return False
        # Another profiler of the sys.setprofile kind (yappi, pyinstrument, a
        # threading.setprofile hook) would lose its hooks to ours: leave it alone.
        # A profiler holding cProfile's slot makes enable() fail anyway.
        if (sys.getprofile() is not None or threading.getprofile() is not None
                or sys.monitoring.get_tool(sys.monitoring.PROFILER_ID) is not None):
            return False
        monitoring = sys.monitoring
        for tool in _WATCH_TOOL_IDS:
            try:
                monitoring.use_tool_id(tool, "request_profiler thread watch")
            except ValueError:
                continue
            self._watch_tool = tool
            break
        else:
            return False
        try:
            monitoring.register_callback(self._watch_tool, monitoring.events.PY_START,
                                         _thread_start_watch(confinement))
            monitoring.set_local_events(self._watch_tool, threading.Thread.start.__code__,
                                        monitoring.events.PY_START)
            # Also lands on this thread; its own first event takes it off again.
            sys._setprofileallthreads(_profile_hook(confinement))
            self._hooks_set = True
        except Exception:  # an audit hook refused, or a sys.monitoring that works differently
            self.disarm()
            return False
        return True

    def disarm(self) -> None:
        """Called by the recording thread right after the profiler is disabled."""
        if self._hooks_set:
            self._hooks_set = False
            sys._setprofileallthreads(None)
        tool = self._watch_tool
        if tool is not None:
            self._watch_tool = None
            monitoring = sys.monitoring
            try:
                monitoring.set_local_events(tool, threading.Thread.start.__code__, 0)
                monitoring.register_callback(tool, monitoring.events.PY_START, None)
            finally:
                monitoring.free_tool_id(tool)


def _profile_hook(confinement: ThreadConfinement) -> Callable[[Any, str, Any], None]:
    owner = confinement.owner
    filter_transiently = confinement.filter_transiently
    setprofile = sys.setprofile

    # Called for every event of every other thread while armed: keep it thin.
    def hook(frame: Any, event: str, arg: Any) -> None:
        if _get_ident() == owner:
            setprofile(None)
        elif confinement.state is DIRECT or confinement.state is RESTORING:
            try:
                filter_transiently()
            except Exception:  # never raise into the app's thread
                pass
    return hook


def _thread_start_watch(confinement: ThreadConfinement) -> Callable[[Any, int], None]:
    def thread_starting(code: Any, offset: int) -> None:
        try:
            confinement.filter_until_disabled()
        except Exception:  # never raise into the app's thread
            pass
    return thread_starting


TRIPWIRE = ThreadTripwire()
