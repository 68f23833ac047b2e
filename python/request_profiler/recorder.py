"""One request's cProfile profiler, switched on and off around the app's work
(the app call, each body chunk, each ASGI step) and, on 3.12+, confined to the
thread that switches it on."""

import cProfile

from .thread_filter import AVAILABLE as CONFINEMENT_AVAILABLE
from .thread_filter import STICKY, ThreadConfinement
from .thread_tripwire import TRIPWIRE

if CONFINEMENT_AVAILABLE:
    import sys
    _register = sys.monitoring.register_callback
    _PROFILER_ID = sys.monitoring.PROFILER_ID


class Recorder:
    def __init__(self, confine_threads: bool = True) -> None:
        self.profiler = cProfile.Profile()
        self.confine = confine_threads and CONFINEMENT_AVAILABLE
        self.confinement_failed = False
        self._armed = False

    def start(self) -> None:
        """Raises ValueError on 3.12+ when another tool holds sys.monitoring's profiler slot.

        To stop, call self.profiler.disable() directly at the call site, then
        self.disarm(): a method called while recording would itself be recorded."""
        confinement = None
        if self.confine:
            confinement = ThreadConfinement(self.profiler)
            if not confinement.direct:
                self.confinement_failed = True
                confinement = None
            else:
                self._armed = TRIPWIRE.arm(confinement)
                if not self._armed:  # no tripwire: filter from the start
                    confinement.filter_from_start()
        try:
            self.profiler.enable()
        except BaseException:
            self.disarm()
            raise
        # Inline on purpose: from here on every Python call is recorded, and this
        # frame (entered before enable) is not. register_callback itself is dropped
        # from the data as profiler noise. A thread started between arm() and here
        # (state STICKY since) is caught by this check too.
        if confinement is not None and confinement.state is STICKY:
            for event, forwarder in confinement.sticky:
                _register(_PROFILER_ID, event, forwarder)

    def disarm(self) -> None:
        """Right after self.profiler.disable(): stop watching other threads."""
        if self._armed:
            self._armed = False
            TRIPWIRE.disarm()

    def note(self) -> str:
        if not CONFINEMENT_AVAILABLE:
            return ""
        if self.confine and not self.confinement_failed:
            return ("python 3.12+: cProfile sees every thread; this profile was confined to the request's "
                    "thread (filtered while other threads ran Python code, which adds overhead per call)")
        return "python 3.12+: cProfile sees every thread; work of other threads may appear in this profile"
