"""request_profiler: profile every HTTP request of a WSGI or ASGI app with cProfile
and write one JSON profile per request (format: docs/profile-format.md)."""

from typing import TYPE_CHECKING

from .config import ConfigError

if TYPE_CHECKING:  # imported lazily at run time (__getattr__ below)
    from .asgi import ASGIProfilerMiddleware
    from .paste import paste_filter_app_factory
    from .wsgi import ProfilerMiddleware

__version__ = "0.1.0"
__all__ = ["ProfilerMiddleware", "ASGIProfilerMiddleware", "paste_filter_app_factory", "ConfigError", "__version__"]


def __getattr__(name: str) -> object:  # noqa: D401 - PEP 562
    # Lazy: the ASGI module keeps asyncio out of WSGI apps, and `run` loads this
    # package into every process of the command (reloaders, CLIs), most of which
    # never serve a request: they pay for the import hooks only.
    if name == "ProfilerMiddleware":
        from .wsgi import ProfilerMiddleware
        return ProfilerMiddleware
    if name == "ASGIProfilerMiddleware":
        from .asgi import ASGIProfilerMiddleware
        return ASGIProfilerMiddleware
    if name == "paste_filter_app_factory":
        from .paste import paste_filter_app_factory
        return paste_filter_app_factory
    raise AttributeError("module 'request_profiler' has no attribute %r" % name)
