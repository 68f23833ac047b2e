"""Loaded at start-up by every Python process `python -m request_profiler run` starts:
the launcher puts this directory first on PYTHONPATH, and Python's site module
imports the first `sitecustomize` it finds.

It runs the sitecustomize this one hides (a distribution's or a virtualenv's), then,
when the launcher's marker is in the environment, loads request_profiler from where
the launcher found it (only that package: its directory's other contents, tests
among them, stay off sys.path) and hooks the web frameworks. A failure here never
stops the app: it is reported on one line and the app runs unprofiled.
"""

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
_ENV_RUN = "REQUEST_PROFILER_RUN"


def _same_directory(entry: str) -> bool:
    try:
        return os.path.samefile(entry or os.curdir, _HERE)
    except OSError:
        return False


def _run_hidden_sitecustomize() -> None:
    import importlib.machinery
    import importlib.util
    search = [entry for entry in sys.path if not _same_directory(entry)]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", search)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    # Whoever imports sitecustomize later gets that one, as without us.
    sys.modules["sitecustomize"] = module
    # typeshed's Loader before 3.10 lacks exec_module; this spec's loader (a SourceFileLoader) has it.
    spec.loader.exec_module(module)  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]


def _load_request_profiler(package_root: str) -> None:
    if "request_profiler" in sys.modules:
        return
    import importlib.util
    package_dir = os.path.join(package_root, "request_profiler")
    spec = importlib.util.spec_from_file_location(
        "request_profiler", os.path.join(package_dir, "__init__.py"), submodule_search_locations=[package_dir])
    if spec is None or spec.loader is None:
        raise ImportError("request_profiler not found in %s" % package_root)
    module = importlib.util.module_from_spec(spec)
    sys.modules["request_profiler"] = module
    try:
        # As above: typeshed's Loader before 3.10 lacks exec_module; a SourceFileLoader has it.
        spec.loader.exec_module(module)  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    except BaseException:
        del sys.modules["request_profiler"]
        raise


def _install_profiler() -> None:
    if not os.environ.get(_ENV_RUN):
        return
    try:
        import json
        settings = json.loads(os.environ[_ENV_RUN])
        _load_request_profiler(settings.get("package_root") or os.path.dirname(os.path.dirname(os.path.dirname(_HERE))))
        from request_profiler.run import autoinstall
        autoinstall.install(autoinstall.settings_from_environment() or {})
    except Exception as exc:
        try:
            sys.stderr.write("request_profiler: could not install the profiler in process %d (%s: %s); "
                             "the app runs unprofiled\n" % (os.getpid(), type(exc).__name__, exc))
        except Exception:
            pass


try:
    _run_hidden_sitecustomize()
finally:
    _install_profiler()
