"""One request's profile, recorded in stretches of app code: the WSGI app call, each
body chunk and close(); each step of an ASGI request's task.

    recording = Recording(confine_threads)
    refusal = recording.begin(max_wait_s)   # None: the profiler is on
    ...app code...
    recording.stop()                        # its first act switches the profiler off
    ...more stretches...
    notes = recording.finish()              # once, after the last stretch

Callers need not know how: on 3.12+ the one profiler of the process (gate.py) is
taken by begin() and given back by stop(), and the profile is kept to the
request's thread (recorder.py).
"""

import cProfile
from typing import FrozenSet, List, Optional, Tuple

from .gate import GATE, ProfilingGate
from .recorder import Recorder, refusal_for


class Recording:
    def __init__(self, confine_threads: bool = True, gate: Optional[ProfilingGate] = None) -> None:
        self.gate = GATE if gate is None else gate
        self._recorder = Recorder(confine_threads)
        self.profiler: cProfile.Profile = self._recorder.profiler

    def begin(self, max_wait_s: Optional[float]) -> Optional[str]:
        """Take the profiler (waiting at most max_wait_s on 3.12+) and switch it on, as
        the last act: what the caller does next is recorded. None when recording, else
        why this stretch goes unprofiled (words for the profile)."""
        refusal = self.gate.acquire(max_wait_s)
        if refusal is not None:
            return refusal
        try:
            self._recorder.start()
        except Exception as exc:  # another tool holds the profiler slot (3.12+), or anything else
            self.gate.release()
            return refusal_for(exc)
        return None

    def stop(self, later: bool = False) -> None:
        """After a stretch that begin() let record. Its first act switches the profiler
        off: the call of stop itself is in the data, and extract() leaves it out
        (OWN_CALLS).

        later=True: the stretch ran no code that started threads and none follows
        before finish() (a list body): the thread watch may stay up until finish(),
        after the response is sent, unless the next recording takes it over (lifting
        it re-instruments every thread's frames on 3.12+)."""
        self.profiler.disable()
        self._recorder.disarm(later)
        self.gate.release()  # other requests record while the server sends

    def finish(self) -> List[str]:
        """Once, after the last stretch (none recording): takes down what stop(later=True)
        left up, and returns the notes the profile must carry about how it was recorded."""
        self._recorder.disarm()
        return self._recorder.notes()


def _own_calls() -> FrozenSet[Tuple[str, int, str]]:
    """The labels (file, line, name) under which cProfile records the recording's own
    calls: Recording.stop, whose call precedes the profiler's disable(), and, on 3.12+,
    the swaps of the profiler's callbacks made by the thread filter."""
    stop = Recording.stop.__code__
    return frozenset({(stop.co_filename, stop.co_firstlineno, stop.co_name),
                      ("~", 0, "<built-in method sys.monitoring.register_callback>")})


OWN_CALLS = _own_calls()
