"""The route the framework matched for a request: the profile header's `route` field,
{"template": "/users/<int:id>", "name": "user", "framework": "flask"}.

Looked up after the request's last stretch of app code, outside the recording (so it is
never in the profile), by the request's thread once the response has been sent (WSGI:
when the server calls close(); ASGI: when the app has returned). Frameworks keep no
trace of the match in the environ or scope we can read for free, so the lookup replays
the framework's own matching on a copy of the request as it arrived, with the app's own
URL map; Django's match is read from the request object its response keeps.

Templates and route names only, never the values matched (they can be ids, tokens...).
Every lookup is in try/except: a lookup that fails or finds nothing means no `route`,
never an error in the app. Frameworks are recognised by class names, never imported
here (the package is standard library only).
"""

import importlib
import logging
from typing import Any, Callable, Dict, Iterable, Optional

log = logging.getLogger("request_profiler")

Route = Dict[str, Optional[str]]
# (the request as it arrived: environ or scope copy; what the app left: wsgi_left()
# of its WSGI result, or the live ASGI scope) -> the route, or None.
Lookup = Callable[[Dict[str, Any], Any], Optional[Route]]

# Bounds: a template is code, short; an odd one must not bloat every header.
MAX_TEMPLATE = 500
MAX_NAME = 200


def _is_a(obj: Any, module: str, name: str) -> bool:
    """Whether obj is an instance of module.name or of a subclass, without importing it."""
    try:
        return any(cls.__module__ == module and cls.__name__ == name for cls in type(obj).__mro__)
    except Exception:
        return False


def make_route(template: Any, name: Any, framework: str) -> Optional[Route]:
    if not isinstance(template, str):
        return None
    return {
        "template": template[:MAX_TEMPLATE],
        "name": name[:MAX_NAME] if isinstance(name, str) and name else None,
        "framework": framework,
    }


def _flask_lookup(app: Any) -> Lookup:
    def lookup(environ: Dict[str, Any], result: Any) -> Optional[Route]:
        # The app's own binding (server name, subdomain and host matching, trusted hosts as
        # configured), for a request of the app's own class over the request as it arrived.
        adapter = app.create_url_adapter(app.request_class(environ))
        if adapter is None:
            return None
        try:
            rule, _values = adapter.match(return_rule=True)
        except Exception:  # NotFound, MethodNotAllowed, RequestRedirect: no endpoint ran
            return None
        return make_route(rule.rule, rule.endpoint, "flask")
    return lookup


def wsgi_left(result: Any) -> Any:
    """What the app's WSGI result tells of the route, taken before the server closes it:
    the HttpRequest a Django response keeps (its close() is among the response's
    closers, which the response's own close() clears: Django 3.0+ _resource_closers,
    2.x _closable_objects), or None. Never raises."""
    try:
        for close in getattr(result, "_resource_closers", None) or ():
            owner = getattr(close, "__self__", None)
            if owner is not None and hasattr(owner, "resolver_match"):
                return owner
        for owner in getattr(result, "_closable_objects", None) or ():
            if hasattr(owner, "resolver_match"):
                return owner
    except Exception:
        pass
    return None


def _django_resolve(path_info: str) -> Optional[Route]:
    """Django's match for a path against ROOT_URLCONF (what Django does unless a
    middleware set request.urlconf), or None."""
    urls: Any = importlib.import_module("django.urls")  # the app is Django: it is importable
    try:
        match = urls.resolve(path_info or "/")
    except urls.Resolver404:
        return None
    return _django_route(match)


def _django_route(match: Any) -> Optional[Route]:
    if match is None:  # nothing matched (a 404)
        return None
    return make_route(getattr(match, "route", None), getattr(match, "view_name", None), "django")


def _django_lookup(environ: Dict[str, Any], request: Any) -> Optional[Route]:
    if request is not None:
        return _django_route(request.resolver_match)
    # No request to read (a file_wrapper body is not the response).
    return _django_resolve(environ.get("PATH_INFO", ""))


def _django_asgi_lookup(scope: Dict[str, Any], live_scope: Any) -> Optional[Route]:
    # Django's ASGI request is out of reach: its path as Django reads it (the scope's
    # path without root_path), resolved.
    path = str(scope.get("path", ""))
    root = str(scope.get("root_path", "") or "")
    if root and path.startswith(root):
        path = path[len(root):]
    return _django_resolve(path)


def _pyramid_lookup(router: Any) -> Lookup:
    def lookup(environ: Dict[str, Any], result: Any) -> Optional[Route]:
        mapper = getattr(router, "routes_mapper", None)
        if mapper is None:  # a traversal-only app: no routes
            return None
        # A request of the app's own kind over a copy (WebOb caches parsed values in
        # its environ): the route predicates (request_method...) read it.
        request = router.request_factory(dict(environ))
        request.registry = router.registry
        info = mapper(request)
        if not info or info.get("route") is None:
            return None
        route = info["route"]
        return make_route(route.pattern, route.name, "pyramid")
    return lookup


def wsgi_lookup(app: Any) -> Optional[Lookup]:
    """For the WSGI app the middleware wraps: how to find its routes, or None when it
    is none of the frameworks known (then profiles carry no route)."""
    owner = getattr(app, "__self__", app)  # app.wsgi_app = ProfilerMiddleware(app.wsgi_app)
    if _is_a(owner, "flask.app", "Flask"):
        return _flask_lookup(owner)
    if _is_a(owner, "django.core.handlers.wsgi", "WSGIHandler"):
        return _django_lookup
    if _is_a(owner, "pyramid.router", "Router"):
        return _pyramid_lookup(owner)
    return None


def _starlette_route(router: Any, scope: Dict[str, Any]) -> Optional[Route]:
    """Replays Starlette's matching (Router.__call__, Mount, Host) over the routes:
    the first full match, descending into mounts and hosts."""
    framework = "fastapi" if type(router).__module__.startswith("fastapi") else "starlette"
    scope = dict(scope)
    prefix = ""
    routes: Iterable[Any] = router.routes
    for _depth in range(32):  # mounts nest; a cycle must not loop forever
        for route in routes:
            match, child_scope = route.matches(scope)
            if getattr(match, "name", None) == "FULL":
                break
        else:
            return None  # no full match: a 404, a 405, a redirect to the slashed path
        scope.update(child_scope)
        path = getattr(route, "path", None)
        inner = getattr(route, "routes", None)
        if path is None and inner is not None:  # a Host: its routes, no path
            routes = inner
            continue
        if not isinstance(path, str):
            return None
        if inner is None:  # a Route (FastAPI's APIRoute among them)
            return make_route(prefix + path, getattr(route, "name", None), framework)
        if not inner:  # a Mount of an app with no routes of its own (StaticFiles...)
            return make_route(prefix + path + "/{path:path}", getattr(route, "name", None), framework)
        prefix += path
        routes = inner
    return None


def _starlette_lookup(app_router: Any) -> Lookup:
    def lookup(scope: Dict[str, Any], live_scope: Any) -> Optional[Route]:
        # Starlette's router records itself in the scope it is given, unless one is there
        # already: the live scope's is the app's when this middleware is outside the app or
        # added with add_middleware (the same dict). One in the scope as it arrived is an
        # outer app's (this middleware wraps an app mounted in it): the wrapped app's own
        # router then, whose routes are relative to the mount.
        if "router" in scope:
            router = app_router
        else:
            router = live_scope.get("router") if hasattr(live_scope, "get") else None
            router = router if router is not None else app_router
        if router is None or not hasattr(router, "routes"):
            return None
        return _starlette_route(router, scope)
    return lookup


def asgi_lookup(app: Any) -> Optional[Lookup]:
    """Django's ASGI application; any other app is looked at as Starlette or FastAPI,
    told by the scope they leave, or by the wrapped app's router (their `router`)."""
    if _is_a(app, "django.core.handlers.asgi", "ASGIHandler"):
        return _django_asgi_lookup
    return _starlette_lookup(getattr(app, "router", None))


def find(lookup: Optional[Lookup], request: Optional[Dict[str, Any]], left: Any) -> Optional[Route]:
    """The route, or None; never raises (a framework's internals may differ from what
    is expected here: that costs the route, nothing else)."""
    if lookup is None or request is None:
        return None
    try:
        return lookup(request, left)
    except Exception as exc:
        log.debug("request_profiler: could not find the request's route: %s: %s", type(exc).__name__, exc)
        return None
