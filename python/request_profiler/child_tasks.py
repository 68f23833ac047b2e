"""Profile the tasks an ASGI request starts, too.

Starlette runs much of a request in child tasks: BaseHTTPMiddleware (and every
@app.middleware("http")) runs the rest of the app in one, StreamingResponse streams
from one. Stepping only the request's own task would miss that work. A context
variable marks the request's task; tasks inherit their creator's context, so a task
factory on the event loop can see that a new task belongs to a profiled request and
step it with the same profiler. The factory is installed once per loop, chains any
factory already there, and leaves every other task alone.
"""

import asyncio
import contextvars
import weakref
from typing import Any, Optional

from .steps import SteppedCoroutine, StepProfiler

CURRENT: "contextvars.ContextVar[Optional[StepProfiler]]" = contextvars.ContextVar(
    "request_profiler_steps", default=None)

_installed: "weakref.WeakSet[asyncio.AbstractEventLoop]" = weakref.WeakSet()


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
            coro = SteppedCoroutine(steps, coro)
        if previous is not None:
            return previous(loop, coro, **kwargs)
        return asyncio.Task(coro, loop=loop, **kwargs)

    try:
        loop.set_task_factory(profiling_task_factory)
    except (AttributeError, NotImplementedError, TypeError):
        return False
    _installed.add(loop)
    return True
