"""Everything measured about one request while it runs, kept as cheap raw values:
the request path only copies; the background writer redacts, extracts and formats."""

import os
import threading
import traceback
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

from .naming import unique_part

Pairs = List[Tuple[str, str]]


class RequestRecord:
    def __init__(self, interface: str) -> None:
        self.interface = interface
        self.start = time.time()
        self.clock_start = time.perf_counter()
        self.pid = os.getpid()
        thread = threading.current_thread()
        self.thread_id = threading.get_ident()
        self.thread_name = thread.name
        self.unique = unique_part()
        self.wall_s = 0.0
        self.cpu_s = 0.0
        # request
        self.method = ""
        self.path = ""
        self.query = ""
        self.scheme = ""
        self.host = ""
        self.remote_addr: Optional[str] = None
        self.request_headers: Pairs = []
        self.environ: Dict[str, str] = {}
        # response
        self.status_line: Optional[str] = None
        self.response_headers: Pairs = []
        self.bytes_sent = 0
        self.chunks_sent = 0
        # Set when the client went away before the whole response was sent: what was
        # seen, in a sentence (the status alone would read as a normal response).
        self.disconnect: Optional[str] = None
        self.error: Optional[Dict[str, str]] = None
        # profiling
        self.profiler: Any = None
        self.skip_reason: Optional[str] = None
        # WSGI: stretches of app code after the app call (body chunks, close()) that
        # could not get the profiler (3.12+: busy), and why the last one could not.
        self.unprofiled_stretches = 0
        self.stretch_refusal: Optional[str] = None
        self.notes: List[str] = []
        # The route the framework matched (routes.py), found after the recording.
        self.route: Optional[Dict[str, Optional[str]]] = None
        self._deferred: Optional[Tuple[Callable[["RequestRecord", Any], None], Any]] = None

    def defer_request_fields(self, fill: Callable[["RequestRecord", Any], None], source: Any) -> None:
        """On the request path: keep a shallow copy of the environ or scope (one dict copy)
        and let the writer turn it into the request fields (complete()): building the
        strings, the headers and the environ's reprs costs the request path far more than
        one copy (docs/measurements.md)."""
        self._deferred = (fill, source)

    def request_source(self) -> Any:
        """The environ or scope copy kept by defer_request_fields, until complete()."""
        return self._deferred[1] if self._deferred is not None else None

    def complete(self) -> None:
        """In the writer, before anything reads the request fields. Never raises: a profile
        whose request details cannot be read is still written, with a note saying why."""
        deferred, self._deferred = self._deferred, None
        if deferred is None:
            return
        fill, source = deferred
        try:
            fill(self, source)
        except Exception as exc:
            self.notes.append("the request's details could not be read: %s: %s" % (type(exc).__name__, exc))

    def capture_error(self, exc: BaseException) -> None:
        """Format now: by the time the writer runs, whoever caught the exception may
        have stripped its traceback (unittest does). Keeps the first error only."""
        if self.error is not None:
            return
        lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
        self.error = {"type": type(exc).__name__, "message": str(exc), "traceback": "".join(lines)}

    def note_disconnect(self, what: str) -> None:
        """Keeps the first sighting: what follows (a close after a failed write) is its consequence."""
        if self.disconnect is None:
            self.disconnect = "%s (%d body chunk(s), %d bytes, produced by then)" % (what, self.chunks_sent, self.bytes_sent)

    def finish(self) -> None:
        self.wall_s = time.perf_counter() - self.clock_start

    @property
    def status(self) -> Optional[int]:
        if not self.status_line:
            return None
        try:
            return int(str(self.status_line).split(None, 1)[0])
        except ValueError:
            return None

    def response_header(self, name: str) -> Optional[str]:
        wanted = name.lower()
        for key, value in self.response_headers:
            if str(key).lower() == wanted:
                return str(value)
        return None


def as_string(value: Any) -> str:
    """Environ and scope values as the format wants them: strings, bounded."""
    if isinstance(value, str):
        return value
    try:
        text = repr(value)
    except Exception as exc:  # an object whose repr raises must not cost the profile
        text = "<unrepresentable %s: %s>" % (type(value).__name__, exc)
    return text if len(text) <= 2000 else text[:2000] + "..."
