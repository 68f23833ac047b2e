"""The child side of `python -m request_profiler run`: what bootstrap/sitecustomize.py
calls in every Python process the command starts, when the launcher's marker is in
the environment. Without the marker nothing here runs: importing request_profiler
changes nothing."""

import json
import os
from typing import Any, Dict, Optional, cast

from . import auto_wrap
from ..config import switch_is_on
from .framework_hooks import PATCHES
from .import_hooks import patch_after_import

# JSON set by the launcher: {"options": {middleware options as strings}, "package_root": dir}.
# Inherited by child processes (reloaders, workers), so they are profiled too.
ENV_RUN = "REQUEST_PROFILER_RUN"

_installed = False


def settings_from_environment(environ: Optional[Dict[str, str]] = None) -> Optional[Dict[str, Any]]:
    text = os.environ.get(ENV_RUN) if environ is None else environ.get(ENV_RUN)
    if not text:
        return None
    settings: Any = json.loads(text)
    if not isinstance(settings, dict) or not isinstance(cast(Dict[str, Any], settings).get("options", {}), dict):
        raise ValueError("%s is not a JSON object with an options object" % ENV_RUN)
    return cast(Dict[str, Any], settings)


def install(settings: Dict[str, Any]) -> bool:
    """Hooks the frameworks (once per process). False when REQUEST_PROFILER=0."""
    global _installed
    if _installed:
        return True
    if not switch_is_on():
        return False
    auto_wrap.OPTIONS.clear()
    auto_wrap.OPTIONS.update(settings.get("options", {}))
    patch_after_import(PATCHES)
    _installed = True
    return True
