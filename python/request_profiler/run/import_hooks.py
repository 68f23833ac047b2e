"""Run a function right after a module is imported, whoever imports it.

`python -m request_profiler run` patches framework classes (Flask, Django's
handlers, Starlette, Pyramid's Router) before the app can use them, without the app
importing anything of ours. A finder placed first on sys.meta_path lets the real
finders locate the module, then has the module's loader call the patch once the
module's code has run. Modules imported already are patched at once.
"""

import logging
import sys
import threading
from types import ModuleType
from typing import Any, Callable, Dict, Optional, Sequence

log = logging.getLogger("request_profiler")

Patch = Callable[[ModuleType], None]


def run_patch(name: str, patch: Patch, module: ModuleType) -> None:
    """A failing patch leaves the module as it was: logged once, never raised."""
    try:
        patch(module)
    except Exception as exc:
        log.warning("request_profiler: could not hook into %s (%s: %s); requests it serves are not profiled",
                    name, type(exc).__name__, exc)


class PatchAfterImport:
    """A meta path finder (importlib.abc.MetaPathFinder's protocol; not its subclass,
    whose import costs every process of the command a few milliseconds)."""

    def __init__(self, patches: Dict[str, Patch]) -> None:
        self._patches = dict(patches)
        self._lock = threading.Lock()

    def find_spec(self, fullname: str, path: Optional[Sequence[str]], target: Optional[ModuleType] = None) -> Any:
        with self._lock:
            patch = self._patches.pop(fullname, None)  # each module is patched once
        if patch is None:
            return None
        spec = None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        loader = getattr(spec, "loader", None) if spec is not None else None
        if loader is None or not hasattr(loader, "exec_module"):
            return spec  # a namespace package or an old-style loader: left alone
        exec_module = loader.exec_module

        # An attribute of this loader object only: each module has its own loader, so
        # nothing else is affected, and its type stays what tools expect.
        def exec_module_then_patch(module: ModuleType) -> None:
            if module.__name__ != fullname:  # a loader shared by several modules (zipimport)
                exec_module(module)
                return
            try:
                exec_module(module)
            finally:
                try:
                    del loader.exec_module
                except AttributeError:
                    pass
            run_patch(fullname, patch, module)

        try:
            loader.exec_module = exec_module_then_patch
        except (AttributeError, TypeError):
            log.warning("request_profiler: could not hook into %s (its loader is read-only); "
                        "requests it serves are not profiled", fullname)
        return spec


def patch_after_import(patches: Dict[str, Patch]) -> Optional[PatchAfterImport]:
    """Patches imported modules now and the others when they are imported."""
    pending: Dict[str, Patch] = {}
    for name, patch in patches.items():
        module = sys.modules.get(name)
        if module is not None:
            run_patch(name, patch, module)
        else:
            pending[name] = patch
    if not pending:
        return None
    finder = PatchAfterImport(pending)
    sys.meta_path.insert(0, finder)
    return finder
