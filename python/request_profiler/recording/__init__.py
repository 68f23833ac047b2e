"""Recording a request's profile with cProfile: one Recording per request (begin /
stop per stretch of app code, finish once), the one-profiler-per-process gate that
3.12+ needs, and on 3.12+ the machinery that keeps each profile to its request's
thread (thread_filter.py, thread_tripwire.py), checked at start-up (capabilities.py).

The rest of the package uses only what this module exports."""

from contextlib import contextmanager
from typing import FrozenSet, Generator

from .capabilities import Capabilities
from .gate import GATE, ProfilingGate
from .recording import OWN_CALLS, Recording
from .thread_tripwire import may_park, must_not_park

__all__ = ["Capabilities", "GATE", "OWN_CALLS", "ProfilingGate", "Recording", "capabilities_now",
           "held_still_while_recording"]


def capabilities_now() -> Capabilities:
    from . import capabilities
    return capabilities.CURRENT


@contextmanager
def held_still_while_recording(until: float, files: FrozenSet[str]) -> Generator[None, None, None]:
    """For a thread of ours that holds no lock the app could need while it runs code
    from files (the profile writer): on 3.12+, if it wakes in that code while a request
    is recorded, it is held still (running no Python code) until the recording ends or
    until `until` (time.monotonic()), instead of costing the recording a filter."""
    may_park(until, files)
    try:
        yield
    finally:
        must_not_park()

