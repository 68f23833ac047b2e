"""The sampling engine behind the WSGI middleware: SampledRecording has the interface of
recording.Recording (begin a stretch of app code, stop it, finish the request), so
wsgi.py drives either engine the same way.

Never a wait and never a refusal for want of a profiler: every request of every thread
is sampled at once. A request's samples are its thread's stack above the middleware's
frame that runs the stretch (__call__ for the app call, the response body's __next__
or close for the body).
"""

import sys
from typing import List, Optional

from .sampler import Recording, Sampler, SamplingResult


class SampledRecording:
    engine = "sample"

    def __init__(self, sampler: Sampler) -> None:
        self.sampler = sampler
        self._recording: Optional[Recording] = None
        self.result: Optional[SamplingResult] = None

    @property
    def profiler(self) -> "SampledRecording":
        # What the record keeps as its profiler: document.py reads the result from it.
        return self

    def begin(self, max_wait_s: Optional[float]) -> Optional[str]:
        """Called by the middleware's helper (wsgi.py: _start, begin_stretch) that the
        frame running the stretch called: that frame, two up, is the root of the samples."""
        try:
            helper = sys._getframe(1)  # pyright: ignore[reportPrivateUsage]
            root = helper.f_back
            if self._recording is None:
                self._recording = self.sampler.begin(root)
                self._recording.own_codes.update(OWN_CODES)
            else:
                self.sampler.resume(self._recording, root)
            self._recording.own_codes.add(helper.f_code)
        except Exception as exc:  # never costs the request: it is served, the profile says why
            return "the sampler could not start: %s: %s" % (type(exc).__name__, exc)
        return None

    def stop(self, later: bool = False) -> None:
        if self._recording is not None:
            self.sampler.pause(self._recording)

    def finish(self) -> List[str]:
        if self._recording is None:
            return []
        self.result = self.sampler.finish(self._recording)
        return self.result.notes()


# What runs above the root after a stretch ends (stop) or before it begins (begin, under
# the helper that called it).
OWN_CODES = (SampledRecording.begin.__code__, SampledRecording.stop.__code__)
