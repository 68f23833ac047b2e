"""What recording can do on this interpreter, decided once at start-up.

On 3.12+ cProfile is built on sys.monitoring: one profiler per process, which sees
every thread. Keeping a profile to its request's thread (thread_filter.py, laid
only when needed by thread_tripwire.py) leans on private details of CPython: the
names of the callbacks _lsprof registers for each event, the order in which
sys.monitoring calls its tools (a sys.setprofile hook before cProfile's), and the
GIL (a forwarder checks the thread and calls on, with no other thread in between).
They were checked on 3.12 and 3.13 only. Each is checked here; when one does not
hold, recording falls back to the plain serialised mode: one request recorded at a
time (the gate still applies), no thread confinement, and a note in every profile
saying why (plain_mode_note).
"""

import sys
from typing import Any, Callable, List, Optional, Tuple

# The versions whose cProfile the thread confinement was checked against.
CHECKED_VERSIONS = ((3, 12), (3, 13))

# (event name, profiler method cProfile registers for it): _lsprof's private table,
# copied by thread_filter.py, which registers forwarders in those methods' place.
CALLBACK_TABLE: Tuple[Tuple[str, str], ...] = (
    ("PY_START", "_pystart_callback"),
    ("PY_RESUME", "_pystart_callback"),
    ("PY_THROW", "_pystart_callback"),
    ("PY_RETURN", "_pyreturn_callback"),
    ("PY_YIELD", "_pyreturn_callback"),
    ("PY_UNWIND", "_pyreturn_callback"),
    ("CALL", "_ccall_callback"),
    ("C_RETURN", "_creturn_callback"),
    ("C_RAISE", "_creturn_callback"),
)

# Free tool ids (0-2 and 5 are named for debuggers, coverage, profilers, optimizers).
_PROBE_TOOL_IDS = (3, 4)


class Capabilities:
    """one_profiler_per_process: cProfile is built on sys.monitoring (3.12+): one
    profiler at a time in the process, which sees every thread.
    confinement: a profile can be kept to its request's thread.
    tripwire: the filter can be put in only while another thread runs Python code
    (else, when confining, it filters from the start of each recording).
    plain_mode_reason: on 3.12+, why confinement is off although the interpreter has
    sys.monitoring (a start-up check failed); None when nothing failed."""

    def __init__(self, one_profiler_per_process: bool, confinement: bool, tripwire: bool,
                 plain_mode_reason: Optional[str] = None) -> None:
        self.one_profiler_per_process = one_profiler_per_process
        self.confinement = confinement
        self.tripwire = tripwire and confinement
        self.plain_mode_reason = plain_mode_reason

    def plain_mode_note(self) -> Optional[str]:
        """The note each profile carries when a start-up check failed (docs/profile-format.md)."""
        if self.plain_mode_reason is None:
            return None
        return ("recording: plain serialised mode (one request recorded at a time, no thread confinement) "
                "because %s" % self.plain_mode_reason)

    def __repr__(self) -> str:
        return ("Capabilities(one_profiler_per_process=%r, confinement=%r, tripwire=%r, plain_mode_reason=%r)"
                % (self.one_profiler_per_process, self.confinement, self.tripwire, self.plain_mode_reason))


def decide(version: Tuple[int, int], has_monitoring: bool, gil_enabled: bool, callbacks_missing: List[str],
           higher_tool_ids_first: Optional[bool], can_hook_all_threads: bool) -> Capabilities:
    """The capabilities from what was found (probe() finds it; tests pass their own).

    callbacks_missing: what is missing of CALLBACK_TABLE (empty: all there).
    higher_tool_ids_first: None when it could not be checked (no free tool ids)."""
    if not (version >= (3, 12) and has_monitoring):
        return Capabilities(False, False, False)
    failed: Optional[str] = None
    if version not in CHECKED_VERSIONS:
        failed = ("the thread confinement was checked on Python %s only, not on %d.%d"
                  % (" and ".join("%d.%d" % v for v in CHECKED_VERSIONS), version[0], version[1]))
    elif not gil_enabled:
        failed = "the GIL is disabled (free-threaded build), and the thread confinement relies on it"
    elif callbacks_missing:
        failed = "cProfile's callbacks are not the ones the thread confinement stands in for (missing: %s)" % (
            ", ".join(callbacks_missing))
    elif higher_tool_ids_first is False:
        failed = ("sys.monitoring does not call its tools in the order the thread watch relies on "
                  "(higher tool ids first)")
    if failed is not None:
        return Capabilities(True, False, False, failed)
    # Order unknown (no free tool id to check it with): the tripwire would have no tool
    # id either; filtering from the start does not depend on the order.
    return Capabilities(True, True, can_hook_all_threads and higher_tool_ids_first is True)


def missing_callbacks() -> List[str]:
    """What of CALLBACK_TABLE this interpreter's cProfile and sys.monitoring lack."""
    import cProfile
    events = getattr(getattr(sys, "monitoring", None), "events", None)
    table = CALLBACK_TABLE  # looked up here, so that a test can stand in another
    missing = ["sys.monitoring.events.%s" % name for name, _ in table if not hasattr(events, name)]
    missing += sorted({"cProfile.Profile.%s" % method for _, method in table
                       if not hasattr(cProfile.Profile, method)})
    return missing


def higher_tool_ids_run_first() -> Optional[bool]:
    """Does sys.monitoring call the tool with the higher id first for one event?

    The thread watch's sys.setprofile hook (legacy tool id 6) must see each event of
    another thread before cProfile's callback (tool id 2) does. Checked with two free
    tool ids on one probe function's code only (no other code is re-instrumented).
    None when two tool ids are not free."""
    monitoring: Any = getattr(sys, "monitoring", None)
    if monitoring is None:
        return None
    order: List[int] = []

    def probe() -> None:
        pass

    def callback_for(tool: int) -> Callable[[Any, int], None]:
        def record(code: Any, offset: int) -> None:
            order.append(tool)
        return record

    code = probe.__code__
    start = monitoring.events.PY_START
    claimed: List[int] = []
    try:
        for tool in _PROBE_TOOL_IDS:
            monitoring.use_tool_id(tool, "request_profiler dispatch check")
            claimed.append(tool)
            monitoring.register_callback(tool, start, callback_for(tool))
            monitoring.set_local_events(tool, code, start)
        probe()
    except ValueError:  # a tool id is in use
        return None
    finally:
        for tool in claimed:
            monitoring.set_local_events(tool, code, 0)
            monitoring.register_callback(tool, start, None)
            monitoring.free_tool_id(tool)
    return order == sorted(_PROBE_TOOL_IDS, reverse=True)


def probe() -> Capabilities:
    """Checks this interpreter (once, at import of the recording package)."""
    has_monitoring = hasattr(sys, "monitoring")
    if not (sys.version_info >= (3, 12) and has_monitoring):
        return decide(sys.version_info[:2], has_monitoring, True, [], None, False)
    is_gil_enabled: Optional[Callable[[], bool]] = getattr(sys, "_is_gil_enabled", None)
    return decide(sys.version_info[:2], has_monitoring,
                  gil_enabled=is_gil_enabled() if is_gil_enabled is not None else True,
                  callbacks_missing=missing_callbacks(),
                  higher_tool_ids_first=higher_tool_ids_run_first(),
                  can_hook_all_threads=hasattr(sys, "_setprofileallthreads"))


# Read at each recording's construction (recorder.py), so tests can put another in place.
CURRENT = probe()
