"""PasteDeploy entry point (group paste.filter_app_factory, name "profile"):

    [filter-app:profile]
    use = egg:request-profiler#profile
    profile_dir = %(here)s/.profiles
    next = main
"""

from typing import Any, Callable, Dict

from .wsgi import ProfilerMiddleware


def paste_filter_app_factory(app: Callable[..., Any], global_conf: Dict[str, Any], **local_conf: Any) -> ProfilerMiddleware:
    # Every value arrives as a string; Config parses and validates them.
    return ProfilerMiddleware(app, **local_conf)
