"""The sampling engine behind the ASGI middleware: SampledSteps drives the request's
coroutine step by step as steps.StepProfiler does for cProfile (same interface, for
asgi.py and child_tasks.py), and so knows exactly how long the request ran (its steps,
and its child tasks' steps while it was not running itself) and how long it awaited
(the rest of its wall time).

The sampler's samples then only divide each of those two among stacks: while a step
runs, the samples of the loop's thread whose stack passes through that step's frame
are the request's running stacks; every other sample of the request is awaiting, at the
chain of awaits of its own coroutine. The sampler gets the GIL far more often while the
loop waits in select() than at random, so the samples' own running/awaiting split reads
awaiting well above the truth (sampler.py); the exact split does not.

Work handed to a thread pool in a copy of the request's context (a plain `def` endpoint
under Starlette or FastAPI, asyncio.to_thread, asgiref's sync_to_async) is sampled in the
worker thread: POOL_OWNER, set here in the request's context, ties the job to the
request (thread_pools.py). Work in threads that do not copy the context is not sampled:
the request awaits it, and that time shows at the await (the profile says so).
"""

import asyncio
import sys
import time
from typing import Any, Awaitable, Callable, List, Optional

from .sampler import Recording, Sampler, SamplingResult
from .thread_pools import POOL_OWNER
from ..steps import SteppedAwait

thread_time = getattr(time, "thread_time", time.process_time)


class SampledSteps:
    engine = "sample"

    def __init__(self, sampler: Sampler, clock: Callable[[], float] = time.perf_counter) -> None:
        self.sampler = sampler
        self._clock = clock
        self.steps = 0
        self.unprofiled_steps = 0
        self.last_refusal: Optional[str] = None
        self.cpu_s = 0.0
        self.running_s = 0.0
        self.closed = False
        self.result: Optional[SamplingResult] = None
        self._recording: Optional[Recording] = None
        self._pool_token: Any = None

    @property
    def recording(self) -> "SampledSteps":
        # asgi.py finishes "steps.recording"; the profile reads its result.
        return self

    @property
    def profiler(self) -> "SampledSteps":
        return self

    def run(self, awaitable: Awaitable[Any]) -> SteppedAwait:
        """The request's coroutine (its first call, from asgi.py: sampling begins), or a
        task it started (child_tasks.py: stepped under the same recording)."""
        stepped = SteppedAwait(self, awaitable)
        if self._recording is not None or self.last_refusal is not None:
            return stepped
        try:
            task = asyncio.current_task()
            self._recording = self.sampler.begin(None, task)
            self._recording.coroutine = stepped.resumable
            # Copied into every job the request hands to a thread pool (and task it starts).
            self._pool_token = POOL_OWNER.set(self._recording)
        except Exception as exc:  # the request is served unsampled; the profile says why
            self._recording = None
            self.last_refusal = "the sampler could not start: %s: %s" % (type(exc).__name__, exc)
        return stepped

    def step(self, resume: Callable[..., Any], *args: Any) -> Any:
        """One step of the request's coroutine or of a task it started: its frame is the
        root of the samples taken meanwhile, its length running time."""
        recording = self._recording
        if recording is None or self.closed:
            if not self.closed:
                self.steps += 1
                self.unprofiled_steps += 1
            return resume(*args)
        self.steps += 1
        outer = recording.root
        recording.root = sys._getframe()  # pyright: ignore[reportPrivateUsage]
        began = self._clock()
        cpu_began = thread_time()
        try:
            return resume(*args)
        finally:
            recording.root = outer
            if outer is None:  # a step run inside another (a task started eagerly) is in that one's time
                self.running_s += self._clock() - began
                self.cpu_s += thread_time() - cpu_began

    def finish(self) -> List[str]:
        recording = self._recording
        if recording is None:
            return []
        self._forget_pool_owner()
        self.result = self.sampler.finish(recording)
        awaiting = max(0.0, self.result.active_seconds - self.running_s)
        self.result.divide_exact_times(min(self.running_s, self.result.active_seconds), awaiting)
        return self.result.notes()

    def _forget_pool_owner(self) -> None:
        token, self._pool_token = self._pool_token, None
        if token is not None:
            try:
                POOL_OWNER.reset(token)
            except ValueError:  # finished from another context than it began in: it dies with that one
                pass
