"""Run a coroutine on a fresh event loop with a deadline, so that a hang fails the
test that caused it instead of blocking the whole run, and collect what the loop
reported to its exception handler: a callback that raised ("Exception in callback
...") is logged and forgotten by asyncio, and is how anyio's lost cancellation showed."""

import asyncio
from typing import Any, Awaitable, Callable, Dict, List, Optional


class LoopRun:
    def __init__(self) -> None:
        self.finished = False
        self.result: Any = None
        self.error: Optional[BaseException] = None
        self.reported: List[Dict[str, Any]] = []

    def describe_reports(self) -> str:
        return "; ".join("%s: %r" % (c.get("message"), c.get("exception")) for c in self.reported)


def run_with_deadline(make_coroutine: Callable[[], Awaitable[Any]], seconds: float = 10.0,
                      new_loop: Callable[[], asyncio.AbstractEventLoop] = asyncio.new_event_loop) -> LoopRun:
    run = LoopRun()
    loop = new_loop()
    loop.set_exception_handler(lambda _loop, context: run.reported.append(context))
    try:
        task = loop.create_task(make_coroutine())
        loop.run_until_complete(asyncio.wait([task], timeout=seconds))
        run.finished = task.done()
        if run.finished:
            if task.cancelled():
                run.error = asyncio.CancelledError()
            elif task.exception() is not None:
                run.error = task.exception()
            else:
                run.result = task.result()
        leftovers = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for leftover in leftovers:
            leftover.cancel()
        if leftovers:
            loop.run_until_complete(asyncio.wait(leftovers, timeout=1.0))
        loop.run_until_complete(loop.shutdown_asyncgens())
    finally:
        loop.close()
    return run
