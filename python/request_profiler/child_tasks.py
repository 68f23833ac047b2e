"""Profile the tasks an ASGI request starts, too.

Starlette runs much of a request in child tasks: BaseHTTPMiddleware (and every
@app.middleware("http")) runs the rest of the app in one, StreamingResponse streams
from one. Stepping only the request's own task would miss that work. A context
variable marks the request's task; tasks inherit their creator's context, so a task
factory on the event loop can see that a new task belongs to a profiled request and
step it with the same profiler. The factory is installed once per loop, chains any
factory already there, and leaves every other task alone.

What the factory hands on is a real coroutine (see profiled_coroutine), never an
imitation: libraries inspect a task's coroutine. anyio decides whether to deliver a
cancel scope's cancellation by inspect.getcoroutinestate(task.get_coro()), and an
object without cr_running made that callback fail, the cancellation was never
delivered and a Starlette StreamingResponse hung on client disconnect. Switching
the profiler around task steps without wrapping the coroutine has no robust hook:
the C Task's step cannot be overridden by a subclass, the pure-Python Task's
_Task__step is private, is bypassed by 3.12's eager start, and _PyTask is not an
asyncio.Task subclass at all; the loop's call_soon cannot be replaced on uvloop.
"""

import asyncio
import contextvars
import weakref
from typing import Any, Optional

from .steps import SteppedAwait, StepProfiler

CURRENT: "contextvars.ContextVar[Optional[StepProfiler]]" = contextvars.ContextVar(
    "request_profiler_steps", default=None)

_installed: "weakref.WeakSet[asyncio.AbstractEventLoop]" = weakref.WeakSet()


async def _stepped(stepped: SteppedAwait) -> Any:
    return await stepped


def profiled_coroutine(steps: StepProfiler, coroutine: Any) -> Any:
    """A native coroutine that runs `coroutine` step by step under `steps`.

    Everything asyncio and libraries can ask of a task's coroutine has a true
    answer: its state follows the inner coroutine's (created until the task's
    first step, suspended between steps, closed when it ends), a cancellation
    thrown in before the first step closes both quietly, and its name is the
    inner one's, for task reprs and "was never awaited" warnings. Only its frame
    and code are this module's."""
    # SteppedAwait is made here, not in _stepped: if the task never starts, it is
    # what closes the inner coroutine quietly.
    outer = _stepped(steps.run(coroutine))
    for attribute in ("__name__", "__qualname__"):
        name = getattr(coroutine, attribute, None)
        if isinstance(name, str):
            setattr(outer, attribute, name)
    return outer


def install_on_running_loop() -> bool:
    """Returns False when there is no asyncio loop (trio) or it cannot take a factory."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return False
    if loop in _installed:
        return True
    previous = loop.get_task_factory()

    def profiling_task_factory(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> "asyncio.Future[Any]":
        steps = CURRENT.get()
        if steps is not None and not steps.closed and asyncio.iscoroutine(coro):
            coro = profiled_coroutine(steps, coro)
        if previous is not None:
            return previous(loop, coro, **kwargs)
        return asyncio.Task(coro, loop=loop, **kwargs)

    try:
        loop.set_task_factory(profiling_task_factory)
    except (AttributeError, NotImplementedError, TypeError):
        return False
    _installed.add(loop)
    return True
