"""Python 3.12+: keep a cProfile profiler to the thread that enabled it.

From 3.12 cProfile is built on sys.monitoring, whose callbacks fire in every
thread; calls of other threads then land in the profile and, worse, interleave
with the profiled thread's calls on the profiler's single stack and corrupt its
numbers (a function called once shows two calls, callers get swapped). After
enable() we replace each of the profiler's sys.monitoring callbacks with a small
function that forwards only events of the owning thread. The cost is one Python
call per event, roughly doubling cProfile's own overhead on call-heavy code; the
profile is then as exact as on 3.11.
"""

import sys
import threading
from typing import Any, Callable, List, Tuple

AVAILABLE = sys.version_info >= (3, 12) and hasattr(sys, "monitoring")

# The label cProfile gives our own swap calls; removed from the data like disable().
NOISE_LABELS = ("<built-in method sys.monitoring.register_callback>",)

_get_ident = threading.get_ident


def _forward2(callback: Callable[..., Any], owner: int) -> Callable[..., Any]:
    def owner_only(code: Any, offset: int) -> Any:
        if _get_ident() == owner:
            return callback(code, offset)
        return None
    return owner_only


def _forward3(callback: Callable[..., Any], owner: int) -> Callable[..., Any]:
    def owner_only(code: Any, offset: int, arg: Any) -> Any:
        if _get_ident() == owner:
            return callback(code, offset, arg)
        return None
    return owner_only


def _forward4(callback: Callable[..., Any], owner: int) -> Callable[..., Any]:
    def owner_only(code: Any, offset: int, callable_: Any, arg0: Any) -> Any:
        if _get_ident() == owner:
            return callback(code, offset, callable_, arg0)
        return None
    return owner_only


# (event name, profiler method cProfile registers for it, forwarder of the event's arity)
_PLAN = (
    ("PY_START", "_pystart_callback", _forward2),
    ("PY_RESUME", "_pystart_callback", _forward2),
    ("PY_THROW", "_pystart_callback", _forward3),
    ("PY_RETURN", "_pyreturn_callback", _forward3),
    ("PY_YIELD", "_pyreturn_callback", _forward3),
    ("PY_UNWIND", "_pyreturn_callback", _forward3),
    ("CALL", "_ccall_callback", _forward4),
    ("C_RETURN", "_creturn_callback", _forward4),
    ("C_RAISE", "_creturn_callback", _forward4),
)


class ThreadConfinement:
    """Built before enable() (so that building it is not profiled); its swaps are
    applied right after, inline in Recorder.start."""

    def __init__(self, profiler: Any) -> None:
        self.swaps: List[Tuple[int, Callable[..., Any]]] = []
        if not AVAILABLE:
            return
        events = sys.monitoring.events
        owner = _get_ident()
        try:
            for event_name, method, forward in _PLAN:
                self.swaps.append((getattr(events, event_name), forward(getattr(profiler, method), owner)))
        except AttributeError:  # a cProfile that works differently: leave it alone
            self.swaps = []
