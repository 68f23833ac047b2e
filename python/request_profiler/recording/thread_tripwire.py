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
  is a C call per event, not a Python one: a fraction of cProfile's own cost per
  function call, more per method call (CPython binds the method before it looks
  for the thread's hook; docs/measurements.md).
* a thread started during the recording has no profile function from its first
  event (threading sets its hook only after some of its own code has run), so a
  sys.monitoring tool of ours watches threading.Thread.start, local to that one
  code object: starting a thread puts the filter in for good, before the thread
  exists. The tool id and the watch are taken at the first recording and kept (a
  Python call per Thread.start between recordings costs less than instrumenting
  Thread.start for every request).

Our own profile writer is not filtered but held still: when it trips the wire in
its own code (it wakes from a file write while a request is recorded, the commonest
trip of all on a busy server), the hook parks it, running no Python code, until the
profiler is disabled or the writer's budget runs out (may_park). Held in our code
only, it holds nothing the app could wait for (no lock, no import in progress);
app code it runs (a __del__ under GC, a repr of an environ value) trips as usual.

Fixed cost: laying and lifting the profile functions each change sys.monitoring's
events, which re-instruments the code on every thread's stack (as much as cProfile's
own enable() and disable()); for a list body the WSGI middleware lifts them after the
response is sent, unless the next recording (the profiler is free while the server
sends) has taken them over by then, which only swaps the profile function, far
cheaper than laying it afresh (docs/measurements.md).

Not seen: threads started with _thread.start_new_thread by the recording thread
itself, and native threads that first enter Python during the recording. A profile
function set with sys.setprofile in another thread alone cannot be seen from here
and is replaced (one set for this thread or with threading.setprofile is seen: we
then stand aside and the caller filters from the start).
"""

import sys
import threading
import time
from typing import Any, Callable, Dict, FrozenSet, Optional, Tuple

from . import capabilities
from .thread_filter import FILTERED, ThreadConfinement

# Tool ids sys.monitoring leaves free (0-2 and 5 are named for debuggers, coverage,
# profilers and optimizers). Tried in this order at the first recording.
_WATCH_TOOL_IDS = (4, 3)
_WATCH_TOOL_NAME = "request_profiler thread watch"

_get_ident = threading.get_ident
_monotonic = time.monotonic
# Sets a profile function for every thread at once (3.12+). Undocumented, so typeshed
# does not know it: looked up by name (capabilities.py makes the tripwire depend on it).
_set_profile_of_all_threads: Optional[Callable[[Optional[Callable[[Any, str, Any], None]]], None]] = getattr(
    sys, "_setprofileallthreads", None)

# Threads of ours that may be parked while a request is recorded: thread id ->
# (time.monotonic() until which, the files of the code they may be parked in).
_PARKABLE: Dict[int, Tuple[float, FrozenSet[str]]] = {}


def may_park(until: float, files: FrozenSet[str]) -> None:
    """Called by a thread of ours (the profile writer) that holds no lock the app
    could need whenever it runs code from files: until then, a trip of the wire in
    that code parks it until the recording ends instead of filtering the profiler."""
    _PARKABLE[_get_ident()] = (until, files)


def must_not_park() -> None:
    _PARKABLE.pop(_get_ident(), None)


class ThreadTripwire:
    """One per process: sys.setprofile hooks and sys.monitoring tools are per interpreter,
    and on 3.12+ only one request is recorded at a time (gate.py)."""

    def __init__(self) -> None:
        # Claimed at the first arm() and kept: claiming a tool id and instrumenting
        # Thread.start for each request would cost more than a Python call per
        # Thread.start between recordings.
        self._watch_tool: Optional[int] = None
        self._hooks_set = False
        # The profile function laid last (still up on other threads when its recording
        # left it for later: Recorder.disarm(later=True)).
        self._hook: Optional[Callable[[Any, str, Any], None]] = None
        # The confinement being watched for (None when disarmed); read by the
        # Thread.start watch and by a parked thread that goes on.
        self.confinement: Optional[ThreadConfinement] = None
        # Arm and disarm can come from two threads at once: a recording that left its
        # hooks up lifts them after the server has sent its response, while the next
        # recording (the gate is free by then) lays its own.
        self._lock = threading.Lock()

    def arm(self, confinement: ThreadConfinement) -> bool:
        """Called by the recording thread before the profiler is enabled. False when
        the wire cannot be laid (someone else's profile function or profiler, no free
        tool id): the caller must then filter from the start.

        Hooks a finished recording left up are taken over: swapping the profile
        function costs far less than laying it afresh, which re-instruments the code on
        every thread's stack (docs/measurements.md)."""
        # The version test also tells the type checker that what follows is 3.12+ code.
        set_profile_of_all_threads = _set_profile_of_all_threads
        if sys.version_info < (3, 12) or not capabilities.CURRENT.tripwire or set_profile_of_all_threads is None:
            return False
        with self._lock:
            watched = self.confinement
            if watched is not None and watched.active:  # another recording, not yet disabled
                return False
            # Another profiler of the sys.setprofile kind (yappi, pyinstrument, a
            # threading.setprofile hook) would lose its hooks to ours: leave it alone.
            # A profiler holding cProfile's slot makes enable() fail anyway.
            mine = self._hook if self._hooks_set else None
            current = sys.getprofile()
            if ((current is not None and current is not mine) or threading.getprofile() is not None
                    or sys.monitoring.get_tool(sys.monitoring.PROFILER_ID) is not None):
                return False
            try:
                if not self._watch_thread_starts():
                    return False
                # Also lands on this thread; its own first event takes it off again.
                self.confinement = confinement
                self._hook = _profile_hook(confinement, self)
                set_profile_of_all_threads(self._hook)
                self._hooks_set = True
            except Exception:  # an audit hook refused, or a sys.monitoring that works differently
                self._lift()
                return False
            return True

    def disarm(self, confinement: Optional[ThreadConfinement] = None) -> None:
        """Called by the recording thread after the profiler is disabled. With a
        confinement: only if the wire is still laid for that one (a later recording may
        have taken it over)."""
        with self._lock:
            if confinement is None or self.confinement is confinement:
                self._lift()

    def _lift(self) -> None:
        self.confinement = None
        if self._hooks_set and _set_profile_of_all_threads is not None:  # only ever set with it
            self._hooks_set = False
            _set_profile_of_all_threads(None)

    def _watch_thread_starts(self) -> bool:
        """Make sure our tool watches threading.Thread.start (claimed once, checked each
        time: another tool may have cleared it). False when no tool id is free."""
        if sys.version_info < (3, 12):  # arm() calls it on 3.12+ only
            return False
        monitoring = sys.monitoring
        start_code = threading.Thread.start.__code__
        tool = self._watch_tool
        if tool is not None and monitoring.get_tool(tool) == _WATCH_TOOL_NAME:
            if monitoring.get_local_events(tool, start_code) == monitoring.events.PY_START:
                return True
        else:
            tool = None
            for candidate in _WATCH_TOOL_IDS:
                try:
                    monitoring.use_tool_id(candidate, _WATCH_TOOL_NAME)
                except ValueError:
                    continue
                tool = candidate
                break
            self._watch_tool = tool
            if tool is None:
                return False
        monitoring.register_callback(tool, monitoring.events.PY_START, self._thread_starting)
        monitoring.set_local_events(tool, start_code, monitoring.events.PY_START)
        return True

    def _thread_starting(self, code: Any, offset: int) -> None:
        """A thread is being started (in any thread, recording or not). Its first events
        come before any profile function of its own: filter for the rest of the recording."""
        confinement = self.confinement
        if confinement is not None and confinement.active:
            try:
                confinement.filter_until_disabled()
            except Exception:  # never raise into the app's thread
                pass


def _profile_hook(confinement: ThreadConfinement, tripwire: ThreadTripwire) -> Callable[[Any, str, Any], None]:
    owner = confinement.owner
    setprofile = sys.setprofile
    parkable = _PARKABLE

    # Called for every event of every other thread while armed: keep it thin.
    def hook(frame: Any, event: str, arg: Any) -> None:
        ident = _get_ident()
        if ident == owner:
            setprofile(None)
            return
        parking = parkable.get(ident)
        if parking is not None:
            watched = tripwire.confinement
            if watched is not None and watched.active and frame.f_code.co_filename in parking[1]:
                remaining = parking[0] - _monotonic()
                if remaining > 0:
                    watched.wait_stopped(remaining)
        # This event goes on to the profiler's callbacks as they are when we return,
        # and the GIL may pass to other threads at any call before that: the
        # recording thread can put cProfile's callbacks back (its next event does),
        # or end this recording and begin another. So the last look, with no call
        # after it, decides; any call means another look.
        while True:
            watched = tripwire.confinement
            if watched is None or not watched.active or watched.owner == ident:
                return
            if watched.state in FILTERED:
                return
            try:
                watched.filter_transiently()
            except Exception:  # never raise into the app's thread
                return
    return hook


TRIPWIRE = ThreadTripwire()
