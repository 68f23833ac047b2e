"""Profile one coroutine's own work only: the profiler is enabled while this
request's task runs a step and disabled whenever it suspends.

cProfile cannot tell tasks apart: enabled for the whole request, it would record
every other task the event loop runs while this one awaits. Driving the app's
coroutine ourselves, one send()/throw() at a time, lets each concurrent request
on a loop keep its own profiler, and keeps the gate (see gate.py) only for the
length of a step. Time spent suspended is in the wall time, not in the profile.
"""

import collections.abc
import time
from typing import Any, Awaitable, Generator, Optional

from .gate import ProfilingGate
from .recorder import Recorder

thread_time = getattr(time, "thread_time", time.process_time)


class StepProfiler:
    def __init__(self, recorder: Recorder, gate: ProfilingGate, step_timeout: float) -> None:
        self.recorder = recorder
        self.profiler = recorder.profiler
        self.gate = gate
        self.step_timeout = step_timeout
        self.steps = 0
        self.unprofiled_steps = 0
        self.last_refusal: Optional[str] = None
        self.cpu_s = 0.0
        self._cpu_start = 0.0
        # Set when the request is finished: tasks it started that outlive it are no
        # longer recorded (their profile has gone to the writer).
        self.closed = False

    def run(self, awaitable: Awaitable[Any]) -> "_Stepped":
        return _Stepped(self, awaitable)

    def _begin(self) -> bool:
        if self.closed:
            return False
        self.steps += 1
        refusal = self.gate.acquire(self.step_timeout)
        if refusal is None:
            try:
                self._cpu_start = thread_time()
                self.recorder.start()
                return True
            except ValueError as exc:  # 3.12+: another tool holds the profiler slot
                self.gate.release()
                refusal = "another profiling tool is active in this process (%s)" % exc
        self.unprofiled_steps += 1
        self.last_refusal = refusal
        return False

    def _end(self, recording: bool) -> None:
        """Called after the profiler is disabled (disabling inside this method would
        record the method itself)."""
        if recording:
            self.cpu_s += thread_time() - self._cpu_start
            self.gate.release()

    def drive(self, awaitable: Awaitable[Any]) -> Generator[Any, Any, Any]:
        inner = awaitable.__await__()
        value: Any = None
        error: Optional[BaseException] = None
        while True:
            recording = self._begin()
            try:
                if error is not None:
                    pending, error = error, None
                    signal = inner.throw(pending)
                else:
                    signal = inner.send(value)
            except StopIteration as stop:
                if recording:
                    self.profiler.disable()
                self._end(recording)
                return stop.value
            except BaseException:
                if recording:
                    self.profiler.disable()
                self._end(recording)
                raise
            if recording:
                self.profiler.disable()
            self._end(recording)
            try:
                value = yield signal
            except GeneratorExit:
                inner.close()
                raise
            except BaseException as exc:  # cancellation and the like: deliver it to the app
                error, value = exc, None


class SteppedCoroutine(collections.abc.Coroutine):
    """A coroutine object for asyncio.Task (which accepts any collections.abc.Coroutine):
    a child task of a profiled request, stepped with the request's profiler."""

    def __init__(self, steps: StepProfiler, coroutine: Any) -> None:
        self._coroutine = coroutine
        self._driver = steps.drive(coroutine)

    def send(self, value: Any) -> Any:
        return self._driver.send(value)

    def throw(self, typ: Any, val: Any = None, tb: Any = None) -> Any:
        if val is None:
            val = typ if isinstance(typ, BaseException) else typ()
        if tb is not None:
            val = val.with_traceback(tb)
        return self._driver.throw(val)

    def close(self) -> None:
        self._driver.close()

    def __await__(self) -> Generator[Any, Any, Any]:
        return self._driver

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)  # never recurse before __init__ has run
        # cr_running, cr_frame, cr_suspended, cr_code, __name__...: libraries such as
        # anyio inspect a task's coroutine (inspect.getcoroutinestate); __name__ and
        # __qualname__ are found on the class chain. Stepping
        # mirrors the inner coroutine's state exactly, so its answers are ours.
        return getattr(self._coroutine, name)

    def __repr__(self) -> str:
        return "<profiled %r>" % (self._coroutine,)


class _Stepped:
    def __init__(self, steps: StepProfiler, awaitable: Awaitable[Any]) -> None:
        self._steps = steps
        self._awaitable = awaitable

    def __await__(self) -> Generator[Any, Any, Any]:
        return self._steps.drive(self._awaitable)
