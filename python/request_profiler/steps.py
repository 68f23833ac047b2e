"""Profile one coroutine's own work only: the profiler is enabled while this
request's task runs a step and disabled whenever it suspends.

cProfile cannot tell tasks apart: enabled for the whole request, it would record
every other task the event loop runs while this one awaits. Driving the app's
coroutine ourselves, one send()/throw() at a time, lets each concurrent request
on a loop keep its own profiler, and holds the profiler of the process (3.12+)
only for the length of a step. Time spent suspended is in the wall time, not in the profile.
"""

import inspect
import time
from typing import Any, Awaitable, Callable, Optional, Protocol

from .recording import Recording

thread_time = getattr(time, "thread_time", time.process_time)


class StepProfiler:
    def __init__(self, recording: Recording, step_timeout: float) -> None:
        self.recording = recording
        self.profiler = recording.profiler
        self.step_timeout = step_timeout
        self.steps = 0
        self.unprofiled_steps = 0
        self.last_refusal: Optional[str] = None
        self.cpu_s = 0.0
        self._cpu_start = 0.0
        # Set when the request is finished: tasks it started that outlive it are no
        # longer recorded (their profile has gone to the writer).
        self.closed = False

    def run(self, awaitable: Awaitable[Any]) -> "SteppedAwait":
        return SteppedAwait(self, awaitable)

    def _begin(self) -> bool:
        if self.closed:
            return False
        self.steps += 1
        self._cpu_start = thread_time()
        refusal = self.recording.begin(self.step_timeout)
        if refusal is None:
            return True
        self.unprofiled_steps += 1
        self.last_refusal = refusal
        return False

    def _end(self, recording: bool) -> None:
        """Called after the recording stopped (stopping in here would record this method)."""
        if recording:
            self.cpu_s += thread_time() - self._cpu_start

    def step(self, resume: Callable[..., Any], *args: Any) -> Any:
        """One step: resume(*args) (the inner coroutine's send or throw) with the profiler on."""
        recording = self._begin()
        try:
            return resume(*args)
        finally:
            if recording:
                self.recording.stop()
            self._end(recording)


class Stepper(Protocol):
    """What drives the steps: StepProfiler, or the sampling engine's SampledSteps."""

    def step(self, resume: Callable[..., Any], *args: Any) -> Any: ...


def _resumable(awaitable: Any) -> Any:
    """What has send/throw/close for this awaitable: a native coroutine or a
    generator-based one (which asyncio 3.8-3.10 still runs as a task) is its own;
    anything else awaitable hands one out from __await__."""
    if inspect.iscoroutine(awaitable) or inspect.isgenerator(awaitable):
        return awaitable
    return awaitable.__await__()


class SteppedAwait:
    """`await steps.run(coroutine)`: runs the coroutine to its end, each send/throw
    one profiled step.

    This is an iterator the awaiting coroutine delegates to (like `yield from`), so
    whatever the event loop holds stays the real coroutine of the caller: asyncio,
    anyio and debuggers inspect that one (cr_running, cr_frame, getcoroutinestate...),
    never this object. A throw or close reaches the inner coroutine exactly as it
    would without the profiler."""

    def __init__(self, steps: Stepper, awaitable: Awaitable[Any]) -> None:
        self._steps = steps
        self._awaitable = awaitable
        self._inner = _resumable(awaitable)
        self._started = False

    def __await__(self) -> "SteppedAwait":
        return self

    def __iter__(self) -> "SteppedAwait":
        return self

    def __next__(self) -> Any:
        return self.send(None)

    def send(self, value: Any) -> Any:
        self._started = True
        return self._steps.step(self._inner.send, value)

    def throw(self, typ: Any, val: Any = None, tb: Any = None) -> Any:
        self._started = True
        if val is None and tb is None:
            return self._steps.step(self._inner.throw, typ)
        # The three-argument form (what CPython's delegation passes on): rebuild
        # the one exception, since throw(type, value, tb) is deprecated from 3.12.
        if val is None:
            val = typ()
        elif not isinstance(val, BaseException):
            val = typ(val)
        if tb is not None:
            val = val.with_traceback(tb)
        return self._steps.step(self._inner.throw, val)

    @property
    def resumable(self) -> Any:
        """The coroutine (or iterator) this steps through: where the request waits
        between steps (the sampling engine follows its awaits)."""
        return self._inner

    def close(self) -> None:
        # Unprofiled: a close comes from garbage collection as often as from the app,
        # at any time and on any thread.
        self._started = True
        self._inner.close()

    def __del__(self) -> None:
        # Never resumed (its task was cancelled before its first step): the inner
        # coroutine would warn "was never awaited" although, unwrapped, asyncio would
        # have thrown the cancellation into it and closed it quietly.
        if not self._started:
            close = getattr(self._awaitable, "close", None)
            if close is not None:
                try:
                    close()
                except Exception:
                    pass
