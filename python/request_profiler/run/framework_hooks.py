"""Where `python -m request_profiler run` hooks into each framework: the class whose
__call__ is the app's entry point for every server (dev server, gunicorn, uvicorn,
waitress, pserve...), patched right after its module is imported.

Flask        flask.app.Flask                          WSGI
Django       django.core.handlers.wsgi.WSGIHandler    WSGI (get_wsgi_application, runserver)
             django.core.handlers.asgi.ASGIHandler    ASGI (get_asgi_application)
Starlette    starlette.applications.Starlette         ASGI (FastAPI is a subclass)
Pyramid      pyramid.router.Router                    WSGI (what Configurator.make_wsgi_app returns)
wsgiref      wsgiref.simple_server.WSGIServer.set_app any other WSGI app served by the standard library
"""

from types import ModuleType
from typing import Any, Dict

from .auto_wrap import NO_MIDDLEWARE, is_wrapped, middleware_of, say_once, wrap_asgi_class, wrap_wsgi_class

FRAMEWORK_NAMES = "Flask, Django, Starlette/FastAPI, Pyramid and wsgiref"


def _named(kind: str, name: Any) -> str:
    return "%s app %r" % (kind, name) if isinstance(name, str) and name else "%s app" % kind


def patch_flask(module: ModuleType) -> None:
    from ..wsgi import ProfilerMiddleware

    def profiles_itself(app: Any) -> bool:  # the documented app.wsgi_app = ProfilerMiddleware(...)
        return isinstance(getattr(app, "wsgi_app", None), ProfilerMiddleware)

    wrap_wsgi_class(module.Flask, lambda app: _named("Flask", getattr(app, "name", None)), profiles_itself)


def patch_django_wsgi(module: ModuleType) -> None:
    wrap_wsgi_class(module.WSGIHandler, lambda handler: "Django app (%s)" % type(handler).__name__)


def patch_django_asgi(module: ModuleType) -> None:
    wrap_asgi_class(module.ASGIHandler, lambda handler: "Django app (%s)" % type(handler).__name__)


def patch_starlette(module: ModuleType) -> None:
    from ..asgi import ASGIProfilerMiddleware

    def profiles_itself(app: Any) -> bool:  # the documented app.add_middleware(ASGIProfilerMiddleware, ...)
        return any(getattr(m, "cls", None) is ASGIProfilerMiddleware for m in getattr(app, "user_middleware", ()))

    wrap_asgi_class(module.Starlette, lambda app: "%s app" % type(app).__name__, profiles_itself)


def patch_pyramid(module: ModuleType) -> None:
    wrap_wsgi_class(module.Router, lambda router: "Pyramid app")


def patch_wsgiref(module: ModuleType) -> None:
    """A plain WSGI app served by wsgiref (`python app.py` with make_server). An app of a
    framework hooked above is left to its own hook (Django's runserver is a wsgiref
    server): the same middleware, named after the framework."""
    server_class = module.WSGIServer
    if "set_app" not in server_class.__dict__ or getattr(server_class.set_app, "_request_profiler_original", None):
        return
    original_set_app = server_class.set_app

    from ..wsgi import ProfilerMiddleware

    def set_app(self: Any, application: Any) -> None:
        hooked = any(is_wrapped(cls) for cls in type(application).__mro__)
        if isinstance(application, ProfilerMiddleware):
            say_once("request_profiler: %s installs the profiler middleware itself; run leaves it as it is"
                     % _describe_plain_app(application.app))
        elif not hooked and callable(application):
            holder = _WSGIAppHolder(application)
            middleware = middleware_of(holder, _call_held_app, False, lambda h: _describe_plain_app(h.app))
            if middleware is not NO_MIDDLEWARE:
                application = middleware
        original_set_app(self, application)

    set_app._request_profiler_original = original_set_app  # type: ignore[attr-defined]
    server_class.set_app = set_app


class _WSGIAppHolder:
    """Somewhere to keep the middleware of an app object we must not touch."""

    def __init__(self, app: Any) -> None:
        self.app = app


def _call_held_app(holder: _WSGIAppHolder, environ: Any, start_response: Any) -> Any:
    return holder.app(environ, start_response)


def _describe_plain_app(app: Any) -> str:
    name = getattr(app, "__qualname__", None) or type(app).__name__
    return "WSGI app %s.%s served by wsgiref" % (getattr(app, "__module__", "?"), name)


PATCHES: Dict[str, Any] = {
    "flask.app": patch_flask,
    "django.core.handlers.wsgi": patch_django_wsgi,
    "django.core.handlers.asgi": patch_django_asgi,
    "starlette.applications": patch_starlette,
    "pyramid.router": patch_pyramid,
    "wsgiref.simple_server": patch_wsgiref,
}
