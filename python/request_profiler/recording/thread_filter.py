"""Python 3.12+: keep a cProfile profiler to the thread that enabled it.

From 3.12 cProfile is built on sys.monitoring, whose callbacks fire in every
thread; calls of other threads then land in the profile and, worse, interleave
with the profiled thread's calls on the profiler's single stack and corrupt its
numbers (a function called once shows two calls, callers get swapped). The filter
replaces each of the profiler's sys.monitoring callbacks with a small function that
forwards only events of the owning thread: one Python call per event, which costs
more than cProfile's own callbacks on call-heavy code (docs/measurements.md). So it
is put in only while it is needed (thread_tripwire.py says when):

* transiently, while another thread runs Python code: that thread's first event
  puts the forwarders in, and the owning thread's next event puts cProfile's own
  callbacks back (the other thread has then stopped, or been switched out; its
  next event trips the wire again). Each switch is nine register_callback calls.
  The GIL can pass between any two calls, so whoever decides that an event may go
  on to the callbacks registered now must look at the state last, with no call
  between that look and the event's dispatch (thread_tripwire._profile_hook).
* for the rest of the recording, once a thread is started (its first events
  cannot be caught), or from the start when the tripwire cannot be laid.

The profile is then as exact as on 3.11.
"""

import sys
import threading
import time
from _thread import allocate_lock
from typing import Any, Callable, List, Optional, Tuple

from .capabilities import CALLBACK_TABLE

_get_ident = threading.get_ident
if sys.version_info >= (3, 12):
    register_callback = sys.monitoring.register_callback
    get_tool = sys.monitoring.get_tool
    PROFILER_ID = sys.monitoring.PROFILER_ID
else:  # no sys.monitoring, so no confinement (capabilities.py): these are never called
    PROFILER_ID = 2

    def register_callback(tool_id: int, event: int, func: Optional[Callable[..., Any]]) -> Any:
        raise RuntimeError("thread confinement needs sys.monitoring (Python 3.12+)")

    def get_tool(tool_id: int) -> Optional[str]:
        raise RuntimeError("thread confinement needs sys.monitoring (Python 3.12+)")

# What is registered for the profiler's events. ENABLING: from before enable() until
# the recording thread has seen it return, so the profiler may be off or on with
# cProfile's own callbacks. DIRECT: on, cProfile's own callbacks. RESTORING: the
# recording thread is putting cProfile's callbacks back (some are back already).
# OFF: the profiler has been switched off (for good: each stretch of recording has
# its own confinement).
ENABLING, DIRECT, TRANSIENT, RESTORING, STICKY, OFF = "enabling", "direct", "transient", "restoring", "sticky", "off"
# States in which an event of another thread may go on to the profiler's callbacks.
FILTERED = frozenset((TRANSIENT, STICKY, OFF))


def _forward2(callback: Callable[..., Any], owner: int, on_owner: Any) -> Callable[..., Any]:
    if on_owner is None:
        def owner_only(code: Any, offset: int) -> Any:
            if _get_ident() == owner:
                return callback(code, offset)
            return None
    else:
        def owner_only(code: Any, offset: int) -> Any:
            if _get_ident() == owner:
                on_owner()
                return callback(code, offset)
            return None
    return owner_only


def _forward3(callback: Callable[..., Any], owner: int, on_owner: Any) -> Callable[..., Any]:
    if on_owner is None:
        def owner_only(code: Any, offset: int, arg: Any) -> Any:
            if _get_ident() == owner:
                return callback(code, offset, arg)
            return None
    else:
        def owner_only(code: Any, offset: int, arg: Any) -> Any:
            if _get_ident() == owner:
                on_owner()
                return callback(code, offset, arg)
            return None
    return owner_only


def _forward4(callback: Callable[..., Any], owner: int, on_owner: Any) -> Callable[..., Any]:
    if on_owner is None:
        def owner_only(code: Any, offset: int, callable_: Any, arg0: Any) -> Any:
            if _get_ident() == owner:
                return callback(code, offset, callable_, arg0)
            return None
    else:
        def owner_only(code: Any, offset: int, callable_: Any, arg0: Any) -> Any:
            if _get_ident() == owner:
                on_owner()
                return callback(code, offset, callable_, arg0)
            return None
    return owner_only


# Each event's forwarder, by the number of arguments sys.monitoring passes with it.
_FORWARDER_BY_EVENT = {"PY_START": _forward2, "PY_RESUME": _forward2, "PY_THROW": _forward3,
                       "PY_RETURN": _forward3, "PY_YIELD": _forward3, "PY_UNWIND": _forward3,
                       "CALL": _forward4, "C_RETURN": _forward4, "C_RAISE": _forward4}

# (event name, profiler method cProfile registers for it, forwarder of the event's arity)
_PLAN = tuple((event, method, _FORWARDER_BY_EVENT[event]) for event, method in CALLBACK_TABLE)

Swaps = List[Tuple[int, Callable[..., Any]]]


class ThreadConfinement:
    """Built by the recording thread before enable() (building it is not profiled).

    Recorder.start registers the sticky forwarders right after enable() when state
    is STICKY by then; every other switch happens inside a profile hook or a
    monitoring callback, whose own calls are not recorded."""

    def __init__(self, profiler: Any) -> None:
        self.owner = _get_ident()
        self.state = ENABLING
        # False once the recording thread has disabled the profiler: trips then
        # change nothing (the hooks may stay up until the response is sent).
        self.active = True
        # Held while active: a thread of ours parked by the tripwire (the profile
        # writer, thread_tripwire.py) waits on it, running no Python code.
        self._recording = allocate_lock()
        self._recording.acquire()
        self._profiler = profiler
        self._direct: Swaps = []     # built when first needed: most recordings never switch
        self.sticky: Swaps = []      # built before state turns STICKY
        self._transient: Swaps = []
        # A thread switch can fall between two register_callback calls: a switch in
        # progress is finished before another one starts (the hook of a thread that
        # finds state RESTORING waits here, so its event is filtered).
        self._switching = allocate_lock()

    def stop(self) -> None:
        """The recording thread has disabled the profiler: trips change nothing from
        now on, and parked threads go on. Idempotent."""
        if self.active:
            self.active = False
            self._recording.release()

    def wait_stopped(self, timeout: float) -> bool:
        """Block without running Python code until stop() (at most timeout seconds)."""
        if self._recording.acquire(True, timeout):
            self._recording.release()
            return True
        return False

    def filter_from_start(self) -> None:
        """No tripwire: Recorder.start registers the sticky forwarders after enable()."""
        self.sticky = self._forwarders(None)
        self.state = STICKY

    def filter_transiently(self) -> None:
        """Another thread is about to run Python code (called in that thread)."""
        self._filter(sticky=False)

    def filter_until_disabled(self) -> None:
        """A thread is being started: filter for the rest of this recording."""
        self._filter(sticky=True)

    def _filter(self, sticky: bool) -> None:
        while True:
            with self._switching:
                state = self.state
                if not self.active or state is STICKY or state is OFF or (state is TRANSIENT and not sticky):
                    return
                # Forwarders registered before enable() would be overwritten by it.
                if get_tool(PROFILER_ID) is not None:
                    if sticky:
                        self.sticky = self._forwarders(None)
                    elif not self._transient:
                        self._transient = self._forwarders(self._unfilter)
                    for event, forwarder in (self.sticky if sticky else self._transient):
                        register_callback(PROFILER_ID, event, forwarder)
                    self.state = STICKY if sticky else TRANSIENT
                    return
                if state is not ENABLING:  # switched off since: nothing to filter, ever
                    self.state = OFF
                    return
            # The recording thread is between arm() and enable(), running only our code:
            # let it on (sleep(0) hands over the GIL) and look again.
            if _get_ident() == self.owner:
                return
            time.sleep(0)

    def _unfilter(self) -> None:
        """The owning thread runs again (called in it, from a transient forwarder)."""
        with self._switching:
            if self.state is TRANSIENT:
                self.state = RESTORING
                for event, callback in self._direct:
                    register_callback(PROFILER_ID, event, callback)
                self.state = DIRECT

    def _forwarders(self, on_owner: Any) -> Swaps:
        if sys.version_info < (3, 12):  # built on 3.12+ only (capabilities.CURRENT.confinement)
            raise RuntimeError("the thread filter needs sys.monitoring (Python 3.12+)")
        if not self._direct:
            events = sys.monitoring.events
            self._direct = [(getattr(events, name), getattr(self._profiler, method)) for name, method, _ in _PLAN]
        return [(event, forward(callback, self.owner, on_owner))
                for (event, callback), (_, _, forward) in zip(self._direct, _PLAN)]
