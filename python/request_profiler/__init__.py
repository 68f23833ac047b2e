"""request_profiler: profile every HTTP request of a WSGI or ASGI app with cProfile
and write one JSON profile per request (format: docs/profile-format.md)."""

from .config import ConfigError
from .paste import paste_filter_app_factory
from .wsgi import ProfilerMiddleware

__version__ = "0.1.0"
__all__ = ["ProfilerMiddleware", "ASGIProfilerMiddleware", "paste_filter_app_factory", "ConfigError", "__version__"]


def __getattr__(name: str):  # noqa: D401 - PEP 562 lazy import keeps asyncio out of WSGI apps
    if name == "ASGIProfilerMiddleware":
        from .asgi import ASGIProfilerMiddleware
        return ASGIProfilerMiddleware
    raise AttributeError("module 'request_profiler' has no attribute %r" % name)
