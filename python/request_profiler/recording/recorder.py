"""One request's cProfile profiler, switched on and off around the app's work
(the app call, each body chunk, each ASGI step) and, on 3.12+, confined to the
thread that switches it on."""

import cProfile
import logging
from typing import List, Optional, Set

from . import capabilities
from .thread_filter import DIRECT, ENABLING, PROFILER_ID, ThreadConfinement, register_callback
from .thread_tripwire import TRIPWIRE


_start_failures_logged: Set[str] = set()


def refusal_for(failure: Exception) -> str:
    """Why a request (or ASGI step) goes unprofiled when Recorder.start() raised.
    Anything but the expected ValueError is logged, once per kind of failure."""
    if isinstance(failure, ValueError):  # 3.12+: a debugger or another profiler holds the slot
        return "another profiling tool is active in this process (%s)" % failure
    kind = type(failure).__name__
    if kind not in _start_failures_logged:
        _start_failures_logged.add(kind)
        logging.getLogger("request_profiler").error(
            "request_profiler: could not start the profiler; requests are served unprofiled", exc_info=failure)
    return "the profiler could not be started (%s: %s)" % (kind, failure)


class Recorder:
    def __init__(self, confine_threads: bool = True) -> None:
        self.profiler = cProfile.Profile()
        self.capabilities = capabilities.CURRENT
        self.confine = confine_threads and self.capabilities.confinement
        self._armed = False
        self._confinement: Optional[ThreadConfinement] = None

    def start(self) -> None:
        """Raises ValueError on 3.12+ when another tool holds sys.monitoring's profiler
        slot (refusal_for says why to the profile).

        To stop, Recording.stop() calls self.profiler.disable() first, then
        self.disarm(). Kept small: this frame is on the stack while enable() re-instruments every
        thread's stack, at a cost per instruction of each frame there (docs/measurements.md)."""
        confinement = self._confine() if self.confine else None
        try:
            self.profiler.enable()
        except BaseException:
            self.disarm()
            raise
        # Inline on purpose: from here on every Python call is recorded, and this
        # frame (entered before enable) is not. register_callback itself is dropped
        # from the data as profiler noise.
        if confinement is not None:
            if not self._armed:  # filter from the start (state STICKY)
                for event, forwarder in confinement.sticky:
                    register_callback(PROFILER_ID, event, forwarder)
            elif confinement.state is ENABLING:
                # No call between the look and the change: other threads filter
                # (thread_filter.py) by this state from now on.
                confinement.state = DIRECT

    def _confine(self) -> Optional[ThreadConfinement]:
        """3.12+, before enable(): lay the thread watch, or filter from the start."""
        confinement = self._confinement = ThreadConfinement(self.profiler)
        self._armed = TRIPWIRE.arm(confinement)
        if not self._armed:  # no tripwire: filter from the start
            confinement.filter_from_start()
        return confinement

    def disarm(self, later: bool = False) -> None:
        """Right after self.profiler.disable(): stop watching other threads. Never raises.

        later=True: trips change nothing from now on, but the hooks stay up until the
        next disarm(), or until the next recording takes them over: taking them down
        costs a re-instrumentation of every thread's frames, which the WSGI middleware
        does after the response is sent."""
        if self._confinement is not None:
            self._confinement.stop()
        if self._armed and not later:
            self._armed = False
            try:
                TRIPWIRE.disarm(self._confinement)
            except Exception:
                logging.getLogger("request_profiler").exception("request_profiler: could not remove the thread watch")

    def notes(self) -> List[str]:
        """What the profile must say about how it was recorded (wording kept as
        docs/profile-format.md quotes it)."""
        if not self.capabilities.one_profiler_per_process:
            return []
        if self.confine:
            return ["python 3.12+: cProfile sees every thread; this profile was confined to the request's "
                    "thread, which adds overhead per call"]
        notes = ["python 3.12+: cProfile sees every thread; work of other threads may appear in this profile"]
        plain_mode = self.capabilities.plain_mode_note()
        if plain_mode is not None:
            notes.append(plain_mode)
        return notes
