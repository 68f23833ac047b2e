"""Middleware options: defaults, coercion of string values (PasteDeploy passes
every option as a string), the environment switches, and start-up validation."""

import errno
import os
import re
from typing import Any, Dict, List, Optional

ENV_SWITCH = "REQUEST_PROFILER"
ENV_DIR = "REQUEST_PROFILER_DIR"
ENV_ENGINE = "REQUEST_PROFILER_ENGINE"

# cProfile: every call counted, exact; sample: real stacks of every request at once,
# by a sampler thread (sampling/). cProfile stays the default.
ENGINES = ("cprofile", "sample")

# Requests nobody wants to profile: browsers ask for these on their own.
DEFAULT_IGNORE = (r"^/favicon\.ico$", r"^/robots\.txt$", r"^/apple-touch-icon.*\.png$")

_FALSE_WORDS = {"0", "false", "no", "off", "n", "f", ""}
_TRUE_WORDS = {"1", "true", "yes", "on", "y", "t"}


class ConfigError(ValueError):
    """Bad configuration: raised at start-up with a message that says what to change."""


def parse_bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE_WORDS:
        return True
    if text in _FALSE_WORDS:
        return False
    raise ConfigError("request_profiler: option %s=%r is not a boolean; use true or false" % (name, value))


def _parse_number(name: str, value: Any, kind: type, minimum: float) -> Any:
    try:
        number = kind(value)
    except (TypeError, ValueError):
        raise ConfigError("request_profiler: option %s=%r is not a %s" % (name, value, kind.__name__)) from None
    if number < minimum:
        raise ConfigError("request_profiler: option %s=%r must be at least %s" % (name, value, minimum))
    return number


def parse_engine(value: Any) -> str:
    text = str(value).strip().lower()
    if text not in ENGINES:
        raise ConfigError("request_profiler: engine=%r is not an engine; use %s (option engine, or %s)"
                          % (value, " or ".join(ENGINES), ENV_ENGINE))
    return text


def _parse_list(value: Any) -> List[str]:
    """A list, or a string of items separated by newlines or commas (the PasteDeploy way)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [item.strip() for item in re.split(r"[\n,]", value) if item.strip()]
    return [str(item) for item in value]


def switch_is_on(environ: Optional[Dict[str, str]] = None) -> bool:
    """REQUEST_PROFILER=0 (or false/off/no) turns the middleware into a pass-through."""
    value = (os.environ if environ is None else environ).get(ENV_SWITCH)
    if value is None:
        return True
    return value.strip().lower() not in _FALSE_WORDS


class Config:
    """Every option of the middleware, validated. Unknown options are an error so
    that a typo in an .ini file does not silently keep the default."""

    OPTIONS = (
        "profile_dir", "enabled", "ignore_paths", "ignore_defaults", "min_duration_ms",
        "sample_every", "keep_max_files", "keep_max_mb", "write_dot", "write_prof",
        "record_skipped", "redact", "redact_names", "max_wait_s", "queue_size",
        "dot_node_threshold", "dot_edge_threshold", "confine_threads", "profile_child_tasks",
        "record_server_environ", "queue_max_mb", "engine", "sample_interval_ms",
    )

    def __init__(self, profile_dir: str = ".profiles", enabled: Any = True,
                 ignore_paths: Any = None, ignore_defaults: Any = True,
                 min_duration_ms: Any = 0.0, sample_every: Any = 1,
                 keep_max_files: Any = 1000, keep_max_mb: Any = 500.0,
                 write_dot: Any = True, write_prof: Any = False, record_skipped: Any = True,
                 redact: Any = True, redact_names: Any = None, max_wait_s: Any = 2.0,
                 queue_size: Any = 1024, dot_node_threshold: Any = 0.005,
                 dot_edge_threshold: Any = 0.001, confine_threads: Any = True,
                 profile_child_tasks: Any = True, record_server_environ: Any = False,
                 queue_max_mb: Any = 64.0, engine: Any = "cprofile", sample_interval_ms: Any = 1.0) -> None:
        self.profile_dir = os.environ.get(ENV_DIR) or str(profile_dir)
        self.enabled = parse_bool("enabled", enabled) and switch_is_on()
        patterns = list(DEFAULT_IGNORE) if parse_bool("ignore_defaults", ignore_defaults) else []
        patterns += _parse_list(ignore_paths)
        try:
            self.ignore_paths = [re.compile(p) for p in patterns]
        except re.error as exc:
            raise ConfigError("request_profiler: ignore_paths has a bad regular expression: %s" % exc) from None
        self.min_duration_ms = _parse_number("min_duration_ms", min_duration_ms, float, 0)
        self.sample_every = _parse_number("sample_every", sample_every, int, 1)
        # 0 means "no limit" for both retention options.
        self.keep_max_files = _parse_number("keep_max_files", keep_max_files, int, 0)
        self.keep_max_mb = _parse_number("keep_max_mb", keep_max_mb, float, 0)
        self.write_dot = parse_bool("write_dot", write_dot)
        self.write_prof = parse_bool("write_prof", write_prof)
        self.record_skipped = parse_bool("record_skipped", record_skipped)
        self.redact = parse_bool("redact", redact)
        self.redact_names = _parse_list(redact_names)
        self.max_wait_s = _parse_number("max_wait_s", max_wait_s, float, 0)
        # The writer queue's bounds, in profiles and in (estimated) memory, whichever is
        # reached first; 0 MB: no memory bound. Defaults chosen from bench/writer_queue.py's
        # figures (docs/measurements.md).
        self.queue_size = _parse_number("queue_size", queue_size, int, 1)
        self.queue_max_mb = _parse_number("queue_max_mb", queue_max_mb, float, 0)
        self.dot_node_threshold = _parse_number("dot_node_threshold", dot_node_threshold, float, 0)
        self.dot_edge_threshold = _parse_number("dot_edge_threshold", dot_edge_threshold, float, 0)
        # 3.12+ only: keep each profile to its request's thread (see recording/thread_filter.py).
        self.confine_threads = parse_bool("confine_threads", confine_threads)
        # ASGI only: also step the tasks a request starts (see child_tasks.py).
        self.profile_child_tasks = parse_bool("profile_child_tasks", profile_child_tasks)
        # WSGI only: also record the server process's environment variables that servers
        # like wsgiref copy into every environ (redacted); see request_environ.py.
        self.record_server_environ = parse_bool("record_server_environ", record_server_environ)
        self.engine = parse_engine(os.environ.get(ENV_ENGINE) or engine)
        self.sample_interval_ms = _parse_number("sample_interval_ms", sample_interval_ms, float, 0.1)
        if self.enabled:
            check_profile_dir(self.profile_dir)

    @classmethod
    def from_options(cls, options: Dict[str, Any]) -> "Config":
        unknown = sorted(set(options) - set(cls.OPTIONS))
        if unknown:
            raise ConfigError("request_profiler: unknown option(s) %s; known options: %s"
                              % (", ".join(unknown), ", ".join(cls.OPTIONS)))
        return cls(**options)

    def is_ignored(self, path: str) -> bool:
        return any(p.search(path) for p in self.ignore_paths)


def check_profile_dir(path: str) -> None:
    """Fail at start-up only for what the user must fix in the configuration; a
    directory that is merely missing is created later (and a failure then is logged,
    never raised into a request)."""
    probe = os.path.abspath(path)
    while True:
        if os.path.exists(probe):
            if not os.path.isdir(probe):
                raise ConfigError(
                    "request_profiler: profile_dir %r cannot be used because %r is a file, "
                    "not a directory; set profile_dir (or %s) to a directory path" % (path, probe, ENV_DIR))
            return
        parent = os.path.dirname(probe)
        if parent == probe:
            return
        probe = parent



class ProfileDirError(OSError):
    """The profile directory cannot be created or used; the message says why and what to do."""


def explain_unusable_dir(path: str, error: OSError) -> str:
    """What is wrong with path, which os.makedirs could not create: a symbolic link (the
    directory itself or one above it) to nowhere, or in a loop, is named with its target
    rather than reported as a bare FileExistsError."""
    probe = os.path.abspath(path)
    while True:
        if os.path.islink(probe) and not os.path.exists(probe):
            try:
                target = os.readlink(probe)
            except OSError:
                target = "?"
            try:
                os.stat(probe)
                problem = "points to %r, which does not exist" % target
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    problem = "points to %r, a loop of symbolic links" % target
                else:
                    problem = "points to %r, which does not exist" % target
            return ("request_profiler: could not write a profile: profile_dir %r cannot be used: %r is a "
                    "symbolic link that %s; create "
                    "the directory it points to, or set profile_dir (or %s) to another directory. Requests are "
                    "served as usual; their profiles are not written until then"
                    % (path, probe, problem, ENV_DIR))
        parent = os.path.dirname(probe)
        if parent == probe:
            break
        probe = parent
    return ("request_profiler: could not write a profile: profile_dir %r cannot be created: %s: %s. Requests "
            "are served as usual; their "
            "profiles are not written until then" % (path, type(error).__name__, error))
