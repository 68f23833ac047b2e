"""Reading a request's stack from another thread: the frames a thread is running above
the request's entry frame, and where a suspended coroutine chain is waiting.

Both walk at most max_depth frames: a sample must cost about the same whatever the app
does, and a very deep recursion would otherwise make one sample cost far more than the
sampling interval (docs/measurements.md). What
lies deeper than that is one marker frame, TRUNCATED, at the root end of the stack.
"""

from typing import Any, Dict, List, Optional, Tuple, TypeVar

from .stack_table import Frame

DEFAULT_MAX_DEPTH = 1024


class MarkerCode:
    """Stands in for a code object where the frames are not known; labelled as
    cProfile labels built-ins (file "~", line 0), which the extension shows as such."""

    co_filename = "~"
    co_firstlineno = 0

    def __init__(self, name: str) -> None:
        self.co_name = name
        self.co_qualname = name


TRUNCATED = MarkerCode("<deeper frames not sampled>")
T = TypeVar("T")
NOT_FOUND = None


def running_stack(top: Any, roots: Dict[int, T], max_depth: int = DEFAULT_MAX_DEPTH) -> Tuple[Optional[T], Optional[Tuple[Frame, ...]]]:
    """Walks a thread's stack from top (its running frame) towards its root, looking for
    the entry frames of the requests it serves: roots maps id(frame) to its owner (the
    caller keeps the frames alive, so their ids stay theirs). Returns the owner of the
    first one found and the frames above it, root end first. When the walk reaches
    max_depth frames first: no owner, and the max_depth frames nearest the top behind a
    TRUNCATED marker (a thread that serves one request only may still count them as its);
    when the stack holds no entry frame at all: (None, None)."""
    frames: List[Frame] = []
    frame = top
    while frame is not None:
        owner = roots.get(id(frame))
        if owner is not None:
            frames.reverse()
            return owner, tuple(frames)
        if len(frames) >= max_depth:
            frames.append((TRUNCATED, 0))
            frames.reverse()
            return None, tuple(frames)
        frames.append((frame.f_code, frame.f_lineno))
        frame = frame.f_back
    return None, NOT_FOUND


def is_truncated(stack: Tuple[Frame, ...]) -> bool:
    return bool(stack) and stack[0][0] is TRUNCATED


def awaiting_stack(coroutine: Any, root: Any, max_depth: int = DEFAULT_MAX_DEPTH) -> Optional[Tuple[Frame, ...]]:
    """Where a suspended task waits: following what each coroutine awaits (cr_await,
    gi_yieldfrom for generator-based ones, ag_await for async generators) from the
    task's outermost coroutine, the frames after root (the request's entry coroutine
    frame), each at the line of its await. The chain ends at something that is not a
    coroutine (a Future, another Task): its awaiting frame is the leaf. None when root is
    not in the chain (the request's coroutine is running, finished, or not in this task)."""
    frames: List[Frame] = []
    inside = root is None
    awaitable = coroutine
    steps = 0
    while awaitable is not None and steps < max_depth * 4:
        steps += 1
        frame = _frame_of(awaitable)
        if frame is None:
            break
        if inside:
            frames.append((frame.f_code, frame.f_lineno))
        elif frame is root:
            inside = True
        awaitable = _awaited_by(awaitable)
    if not inside:
        return NOT_FOUND
    if len(frames) > max_depth:
        # Keep the innermost frames, where the request waits.
        return ((TRUNCATED, 0),) + tuple(frames[-max_depth:])
    return tuple(frames)


def _frame_of(awaitable: Any) -> Any:
    for attribute in ("cr_frame", "gi_frame", "ag_frame"):
        frame = getattr(awaitable, attribute, None)
        if frame is not None:
            return frame
    return None


def _awaited_by(awaitable: Any) -> Any:
    for attribute in ("cr_await", "gi_yieldfrom", "ag_await"):
        inner = getattr(awaitable, attribute, None)
        if inner is not None:
            return inner
    return None
