"""Work a request hands to a thread pool, found in the worker threads' stacks.

An ASGI request that calls a plain `def` endpoint (Starlette and FastAPI run it with
anyio.to_thread.run_sync), `asyncio.to_thread`, or asgiref's `sync_to_async` (Django)
awaits a worker thread meanwhile. Each of those runs the work inside a copy of the
request's context (contextvars), so the request can be found from the worker's side:
the middleware sets POOL_OWNER to its recording in the request's context, and the
sampler looks in each worker thread's stack for the frame that dispatches a job (known
code objects, compared by identity) and reads the job's Context there.

What is found is read by exact type only (a Context, its bound `run`, a functools.partial,
concurrent.futures' work item): the sampler thread must never run code of the app's, so
no attribute of an arbitrary object is looked up.

Not attributed (the request shows awaiting at its await instead): work in threads that
do not copy the request's context (loop.run_in_executor with a plain function, a
threading.Thread of the app's own) and in other processes.
"""

import concurrent.futures.thread as futures_thread
import contextvars
import functools
import queue
import sys
import types
from typing import Any, Dict, Iterator, List, Optional, Tuple

from .frames import MarkerCode
from .stack_table import Frame

POOL_OWNER: "contextvars.ContextVar[Any]" = contextvars.ContextVar("request_profiler_pool_owner", default=None)

# Between the request's chain of awaits and the worker's frames in a pooled stack.
IN_WORKER_THREAD = MarkerCode("<in a worker thread>")

_WORK_ITEM: Any = futures_thread._WorkItem  # pyright: ignore[reportPrivateUsage]
_WORK_ITEM_RUN: types.CodeType = _WORK_ITEM.run.__code__
_QUEUE: Any = queue.Queue
_QUEUE_GET: types.CodeType = _QUEUE.get.__code__
_ANYIO_BACKEND = "anyio._backends._asyncio"


def _anyio_worker_run() -> Optional[types.CodeType]:
    """anyio's worker loop, if the app has imported anyio (never imported from here)."""
    backend = sys.modules.get(_ANYIO_BACKEND)
    worker: Any = getattr(backend, "WorkerThread", None) if backend is not None else None
    run: Any = worker.__dict__.get("run") if isinstance(worker, type) else None
    return run.__code__ if isinstance(run, types.FunctionType) else None


def _context_in(value: Any, depth: int = 0) -> Optional[contextvars.Context]:
    """The Context a job will run in: the value itself, the Context whose `run` it is, or
    one found in a partial's function or arguments (asyncio.to_thread and asgiref wrap
    `context.run` so)."""
    kind: Any = type(value)  # pyright: ignore[reportUnknownVariableType]
    if kind is contextvars.Context:
        return value
    if kind is types.BuiltinMethodType:
        owner = value.__self__
        return owner if type(owner) is contextvars.Context else None
    if kind is functools.partial and depth < 3:
        for part in (value.func,) + tuple(value.args):
            found = _context_in(part, depth + 1)
            if found is not None:
                return found
    return None


def _code_of(function: Any, depth: int = 0) -> Optional[types.CodeType]:
    """The code a job's function runs first, for plain functions, methods and partials
    (`partial(context.run, f, ...)` runs f)."""
    kind: Any = type(function)  # pyright: ignore[reportUnknownVariableType]
    if kind is types.FunctionType:
        return function.__code__
    if kind is types.MethodType:
        return _code_of(function.__func__, depth + 1)
    if kind is functools.partial and depth < 3:
        inner = function.func
        if _context_in(inner) is not None:
            return _code_of(function.args[0], depth + 1) if function.args else None
        return _code_of(inner, depth + 1)
    return None


def _frame_locals(frame: Any) -> Dict[str, Any]:
    try:
        return dict(frame.f_locals)
    except Exception:
        return {}


def _job_context(frame: Any, above: Any, anyio_run: Optional[types.CodeType]) -> Optional[contextvars.Context]:
    """The Context of the job a dispatching frame is running now: the frame above it is
    the job's function. None when it runs none (an idle anyio worker waits in its queue
    with the previous job's locals still set)."""
    code = frame.f_code
    if code is _WORK_ITEM_RUN:
        # concurrent.futures: the job's function is running, not the work item setting
        # its future's result after it (the loop is told then; the request still awaits).
        item = _frame_locals(frame).get("self")
        if type(item) is _WORK_ITEM and above is not None:
            job = item.__dict__.get("fn")
            if above.f_code is _code_of(job):
                return _context_in(job)
        return None
    if code is anyio_run and above is not None and above.f_code is not _QUEUE_GET:
        local = _frame_locals(frame)
        job_code = _code_of(local.get("func"))
        if job_code is not None and above.f_code is job_code:
            return _context_in(local.get("context"))
    return None


def _frames_to_root(top: Any, max_depth: int) -> Iterator[Any]:
    frame = top
    depth = 0
    while frame is not None and depth < max_depth:
        yield frame
        frame = frame.f_back
        depth += 1


def pooled_work(top_frames: Dict[int, Any], skip_threads: Any, owners: Dict[int, Any],
                max_depth: int) -> Dict[int, List[Tuple[int, Tuple[Frame, ...]]]]:
    """For the recordings in owners (by id), the worker threads running work they handed
    to a pool, as (thread id, the worker's frames from the job's function to its top).
    skip_threads: threads serving requests themselves, and the sampler's."""
    anyio_run = _anyio_worker_run()
    found: Dict[int, List[Tuple[int, Tuple[Frame, ...]]]] = {}
    for thread_id, top in top_frames.items():
        if thread_id in skip_threads:
            continue
        # Walk root-wards keeping the frames: the dispatching frame sits near the root.
        walked = list(_frames_to_root(top, max_depth))
        for at in range(len(walked) - 1, 0, -1):
            frame = walked[at]
            code = frame.f_code
            if code is not _WORK_ITEM_RUN and code is not anyio_run:
                continue
            context = _job_context(frame, walked[at - 1], anyio_run)
            owner = context.get(POOL_OWNER) if context is not None else None
            if owner is not None and id(owner) in owners:
                frames = tuple((f.f_code, f.f_lineno) for f in reversed(walked[:at]))
                found.setdefault(id(owner), []).append((thread_id, frames))
            break
    return found
