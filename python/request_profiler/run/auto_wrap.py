"""Wrap a framework's app objects in the middleware from the outside: what
`python -m request_profiler run` does to apps it did not write.

The framework's app class gets a new __call__ that, for each app object, builds the
middleware around the original __call__ at the object's first call (so apps that
are created but never serve, as in `flask routes`, cost nothing), and prints one
line saying what is profiled where. It steps aside when a middleware of ours is
already handling the request further out (the app's own, or run's around an outer
app: a Starlette app mounted in another, Django behind wsgiref), so a request is
recorded once. Anything that fails is logged once and the app runs unprofiled.
"""

import contextvars
import functools
import logging
import os
import sys
import threading
from typing import Any, Callable, Dict, Optional, Set

log = logging.getLogger("request_profiler")

# Set by install(): the middleware options `run` was given.
OPTIONS: Dict[str, Any] = {}

_MIDDLEWARE_ATTRIBUTE = "_request_profiler_middleware"
NO_MIDDLEWARE = False  # stored when an app is not to be wrapped (or could not be)
_lock = threading.Lock()
_said: Set[str] = set()

# ASGI: set while run's middleware handles a request. Tasks inherit it, so an app
# reached from a child task (behind Starlette's BaseHTTPMiddleware, where no frame of
# the outer middleware is on the stack) still knows the request is being recorded.
_ASGI_HANDLED: "contextvars.ContextVar[bool]" = contextvars.ContextVar("request_profiler_run_handled",
                                                                      default=False)


def say_once(line: str) -> None:
    """One line on stderr per distinct message and process: what was installed where."""
    if line in _said:
        return
    _said.add(line)
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except Exception:
        pass


def middleware_codes(asgi: bool) -> Set[Any]:
    """The code objects whose frames mean "one of our middlewares handles this request"."""
    from ..wsgi import ProfilerMiddleware
    codes = {ProfilerMiddleware.__call__.__code__}
    if asgi:
        from ..asgi import ASGIProfilerMiddleware
        codes.add(ASGIProfilerMiddleware.__call__.__code__)
    return codes


def handled_further_out(codes: Set[Any]) -> bool:
    """A frame walk, not a flag: exact whatever the outer middleware decided (profiled,
    ignored, sampled out), and it needs no cooperation from the middleware. Coroutines
    awaiting one another are on the stack too (the request's task runs them nested)."""
    # sys._getframe: the one way to walk the caller's stack without building a traceback
    # (inspect.stack() reads every frame's source lines); CPython, which this package targets.
    frame = sys._getframe(2)  # pyright: ignore[reportPrivateUsage]
    while frame is not None:
        if frame.f_code in codes:
            return True
        frame = frame.f_back
    return False


def _make_middleware(app_object: Any, call: Callable[..., Any], asgi: bool, describe: Callable[[Any], str],
                     profiles_itself: Optional[Callable[[Any], bool]]) -> Any:
    description = describe(app_object)
    if profiles_itself is not None and profiles_itself(app_object):
        say_once("request_profiler: %s installs the profiler middleware itself; run leaves it as it is" % description)
        return NO_MIDDLEWARE
    if asgi:
        from ..asgi import ASGIProfilerMiddleware
        middleware = ASGIProfilerMiddleware(call, **OPTIONS)
    else:
        from ..wsgi import ProfilerMiddleware
        middleware = ProfilerMiddleware(call, **OPTIONS)
    if middleware.writer is None:
        return NO_MIDDLEWARE  # REQUEST_PROFILER=0: nothing to say, nothing to do
    say_once("request_profiler: profiling %s (process %d) into %s"
             % (description, os.getpid(), os.path.abspath(middleware.config.profile_dir)))
    return middleware


def middleware_of(app_object: Any, original_call: Callable[..., Any], asgi: bool, describe: Callable[[Any], str],
                  profiles_itself: Optional[Callable[[Any], bool]] = None) -> Any:
    """The app object's middleware, made at its first call; NO_MIDDLEWARE if none."""
    middleware = app_object.__dict__.get(_MIDDLEWARE_ATTRIBUTE)
    if middleware is not None:
        return middleware
    with _lock:
        middleware = app_object.__dict__.get(_MIDDLEWARE_ATTRIBUTE)
        if middleware is not None:
            return middleware
        try:
            middleware = _make_middleware(app_object, functools.partial(original_call, app_object), asgi,
                                          describe, profiles_itself)
        except Exception as exc:
            log.warning("request_profiler: could not profile %s (%s: %s); it runs unprofiled",
                        type(app_object).__name__, type(exc).__name__, exc)
            middleware = NO_MIDDLEWARE
        app_object.__dict__[_MIDDLEWARE_ATTRIBUTE] = middleware
        return middleware


def is_wrapped(cls: type) -> bool:
    return getattr(cls.__dict__.get("__call__"), "_request_profiler_original", None) is not None


def wrap_wsgi_class(cls: type, describe: Callable[[Any], str],
                    profiles_itself: Optional[Callable[[Any], bool]] = None) -> None:
    """Replaces cls.__call__(self, environ, start_response)."""
    if is_wrapped(cls):
        return
    original = cls.__dict__["__call__"]
    codes = middleware_codes(asgi=False)

    def __call__(self: Any, environ: Any, start_response: Any) -> Any:
        if handled_further_out(codes):
            return original(self, environ, start_response)
        middleware = middleware_of(self, original, False, describe, profiles_itself)
        if middleware is NO_MIDDLEWARE:
            return original(self, environ, start_response)
        return middleware(environ, start_response)

    _install(cls, original, __call__)


def wrap_asgi_class(cls: type, describe: Callable[[Any], str],
                    profiles_itself: Optional[Callable[[Any], bool]] = None) -> None:
    """Replaces cls.__call__(self, scope, receive, send), a coroutine function."""
    if is_wrapped(cls):
        return
    original = cls.__dict__["__call__"]
    codes = middleware_codes(asgi=True)

    async def __call__(self: Any, scope: Any, receive: Any, send: Any) -> None:
        if _ASGI_HANDLED.get() or handled_further_out(codes):
            await original(self, scope, receive, send)
            return
        middleware = middleware_of(self, original, True, describe, profiles_itself)
        if middleware is NO_MIDDLEWARE:
            await original(self, scope, receive, send)
            return
        token = _ASGI_HANDLED.set(True)
        try:
            await middleware(scope, receive, send)
        finally:
            _ASGI_HANDLED.reset(token)

    _install(cls, original, __call__)


def _install(cls: type, original: Callable[..., Any], replacement: Any) -> None:
    functools.update_wrapper(replacement, original)
    replacement._request_profiler_original = original  # type: ignore[attr-defined]
    cls.__call__ = replacement  # type: ignore[assignment]
