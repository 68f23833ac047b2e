"""The WSGI middleware: ProfilerMiddleware(app, profile_dir='.profiles', **options).

The profiler is enabled while the app runs and again while each body chunk is
produced, so a streaming body is profiled as it is iterated without ever being
buffered; the time the server spends sending is in the wall time only. Each of
these stretches of app code is one begin()/stop() of the request's Recording, so
other requests record while the server sends a long response. The profile is finished when the server calls
close() (PEP 3333 says it must), which is always passed on to the app's iterable.
"""

import logging
import time
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Tuple
from . import routes

from .middleware_parts import MiddlewareParts
from .record import RequestRecord, as_string
from .recording import Recording
from .sampling.wsgi_recording import SampledRecording

log = logging.getLogger("request_profiler")

# A PEP 3333 environ: CGI variables (str) and wsgi.* entries (anything).
Environ = Dict[str, Any]

thread_time = getattr(time, "thread_time", time.process_time)

WSGI_NOTE = ("wsgi: profiled while the app ran and while each body chunk was produced; "
             "time the server spent sending is in wallMs only")


def _latin1_to_text(value: str) -> str:
    """PEP 3333 strings carry raw bytes as latin-1; show them as the UTF-8 they usually are."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def fill_from_environ(record: RequestRecord, environ: Environ) -> None:
    record.method = environ.get("REQUEST_METHOD", "")
    record.path = _latin1_to_text(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""))
    record.query = _latin1_to_text(environ.get("QUERY_STRING", ""))
    record.scheme = environ.get("wsgi.url_scheme", "")
    host = environ.get("HTTP_HOST")
    if not host:
        host = "%s:%s" % (environ.get("SERVER_NAME", ""), environ.get("SERVER_PORT", ""))
    record.host = host
    record.remote_addr = environ.get("REMOTE_ADDR") or None
    headers: List[Tuple[str, str]] = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers.append((key[5:].replace("_", "-").title(), _latin1_to_text(str(value))))
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            headers.append((key.replace("_", "-").title(), str(value)))
    record.request_headers = headers
    record.environ = {k if k.__class__ is str else str(k): v if v.__class__ is str else as_string(v)
                      for k, v in environ.items()}


class ProfilerMiddleware(MiddlewareParts):
    def __init__(self, app: Callable[..., Iterable[bytes]], profile_dir: str = ".profiles", **options: Any) -> None:
        self.route_lookup = routes.wsgi_lookup(app)
        self.app = app
        super().__init__(profile_dir, options)

    def __call__(self, environ: Environ, start_response: Callable[..., Any]) -> Iterable[bytes]:
        # Kept small: this frame is on the stack each time the profiler is switched
        # on or off, which on 3.12+ re-instruments every thread's stack at a cost per
        # instruction of each frame there (docs/measurements.md). The work before and
        # after the app call is in helpers that return first.
        if self.writer is None:
            return self.app(environ, start_response)
        request = self._begin(environ, start_response)
        if request is None:
            return self.app(environ, start_response)
        record, recording, recording_start_response = request
        recording = self._start(record, recording)
        try:
            result = self.app(environ, recording_start_response)
        except BaseException as exc:
            if recording is not None:
                recording.stop()
            self._fail(record, recording, exc)
            raise
        if recording is not None:
            # A list body records nothing more: what the recording leaves up comes down
            # in finish_request, after the server has sent the response. Inline, not
            # _runs_no_app_code(result): a Python call here would be recorded.
            recording.stop(later=type(result) in _PLAIN_SEQUENCES)
        return _body_class(result)(self, result, record, recording)

    def _begin(self, environ: Environ, start_response: Callable[..., Any]) -> Optional[Tuple[RequestRecord, Recording, Callable[..., Any]]]:
        """Before the app: None when the request is served unprofiled and unrecorded;
        else its record, its recording (not begun) and the start_response that records
        the response."""
        try:
            path = _latin1_to_text(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""))
            if not self.selector.wants(path):
                return None
        except Exception:
            log.exception("request_profiler: could not inspect the request; serving it unprofiled")
            return None
        record = RequestRecord("wsgi")
        try:
            record.defer_request_fields(fill_from_environ, dict(environ))
            record.notes.append(WSGI_NOTE)
            recording: Any = (SampledRecording(self.sampler) if self.sampler is not None
                              else Recording(self.config.confine_threads, self.gate))
            record.cpu_s = -thread_time()
        except Exception:
            log.exception("request_profiler: could not start profiling; serving the request unprofiled")
            return None

        def recording_start_response(status: str, headers: Any, exc_info: Any = None) -> Callable[[bytes], Any]:
            record.status_line = status
            record.response_headers = list(headers)
            write = start_response(status, headers, exc_info) if exc_info is not None else start_response(status, headers)

            def counting_write(data: bytes) -> Any:
                record.bytes_sent += len(data)
                record.chunks_sent += 1
                try:
                    return write(data)
                except OSError as exc:  # BrokenPipeError, ConnectionResetError...
                    record.note_disconnect("writing to the client failed: %s: %s" % (type(exc).__name__, exc))
                    raise
            return counting_write

        return record, recording, recording_start_response

    def _start(self, record: RequestRecord, recording: Recording) -> Optional[Recording]:
        """Begins the recording (its last act: what follows is recorded). None when it
        cannot (3.12+: another request kept the profiler past max_wait_s, or another
        tool holds it): the request is then recorded unprofiled, saying why."""
        record.profiler = recording.profiler
        refusal = recording.begin(self.config.max_wait_s)
        if refusal is not None:
            record.profiler = None
            record.skip_reason = refusal
            return None
        return recording

    def _fail(self, record: RequestRecord, recording: Optional[Recording], failure: BaseException) -> None:
        """The app raised (after the recording stopped)."""
        record.capture_error(failure)
        self.finish_request(record, recording)

    def begin_stretch(self, record: RequestRecord, recording: Recording) -> bool:
        """For the response body, before a stretch of app code after the app call (a
        body chunk, close()): begin recording again (its last act). False when the stretch runs unprofiled;
        the profile's notes will count it."""
        refusal = recording.begin(self.config.max_wait_s)
        if refusal is None:
            return True
        record.unprofiled_stretches += 1
        record.stretch_refusal = refusal
        return False

    def finish_request(self, record: RequestRecord, recording: Optional[Recording], left: Any = None) -> None:
        """Runs exactly once per request (called by the response body, with what the
        app's result told of the route, or when the app raised), whatever happened,
        after its last stretch of app code (none recording); never raises."""
        try:
            record.finish()
            record.cpu_s += thread_time()
            if recording is not None:
                notes = recording.finish()
                if record.unprofiled_stretches:
                    record.notes.append("%d stretch(es) of app code after the app call (body chunks, close()) ran "
                                        "unprofiled: %s" % (record.unprofiled_stretches, record.stretch_refusal))
                record.notes.extend(notes)
            record.route = routes.find(self.route_lookup, record.request_source(), left)
            if self.writer is not None:
                self.writer.submit_if_kept(record)
        except Exception:
            log.exception("request_profiler: could not finish a profile (the request was served normally)")


class _ResponseBody:
    """Wraps the app's iterable: profiles each chunk's production, counts bytes,
    always closes the app's iterable, and finishes the profile exactly once."""

    def __init__(self, middleware: ProfilerMiddleware, result: Iterable[bytes], record: RequestRecord,
                 recording: Optional[Recording]) -> None:
        self._middleware = middleware
        self._result = result
        self._iterator: Optional[Iterator[bytes]] = None
        self._record = record
        # Iterating a plain list or tuple runs no app code: no need to switch the
        # profiler on for each chunk (the common case: one-chunk bodies).
        self._chunk_recording = None if _runs_no_app_code(result) else recording
        self._recording = recording
        self._finished = False
        # How the body ended: a server that closes it before its end and before any
        # error has stopped sending (PEP 3333 servers do when the client hangs up).
        self._exhausted = False
        self._failed = False
        self._left: Any = None  # routes.wsgi_left(result), taken before the result is closed

    def __iter__(self) -> "_ResponseBody":
        return self

    def __next__(self) -> bytes:
        recording = self._chunk_recording
        failure: Optional[BaseException] = None
        chunk = b""
        if recording is not None and not self._middleware.begin_stretch(self._record, recording):
            recording = None
        try:
            if self._iterator is None:
                self._iterator = iter(self._result)
            chunk = next(self._iterator)
        except StopIteration:
            self._exhausted = True
            raise
        except BaseException as exc:
            failure = exc
            self._failed = True
        finally:
            if recording is not None:
                recording.stop()
        if failure is not None:
            self._record.capture_error(failure)
            raise failure
        self._record.bytes_sent += len(chunk)
        self._record.chunks_sent += 1
        return chunk

    def close(self) -> None:
        if not self._exhausted and not self._failed and not self._finished:
            self._record.note_disconnect("the server closed the response before the end of its body "
                                         "(the client most likely hung up)")
        if self._middleware.route_lookup is not None:
            self._left = routes.wsgi_left(self._result)
        try:
            close = getattr(self._result, "close", None)
            if close is not None:
                self._profiled_close(close)
        finally:
            self._finish()

    def _profiled_close(self, close: Callable[[], Any]) -> None:
        recording = self._recording
        failure: Optional[BaseException] = None
        if recording is not None and not self._middleware.begin_stretch(self._record, recording):
            recording = None
        try:
            close()
        except BaseException as exc:
            failure = exc
        finally:
            if recording is not None:
                recording.stop()
        if failure is not None:
            self._record.capture_error(failure)
            raise failure

    def _finish(self) -> None:
        if self._finished:
            return
        self._finished = True
        self._middleware.finish_request(self._record, self._recording, self._left)

    def __del__(self) -> None:
        # A server that never calls close() must not keep the gate held forever.
        if not getattr(self, "_finished", True):
            self._record.notes.append("the server never called close(); profile finished when the body was discarded")
            self._finish()


class _SizedResponseBody(_ResponseBody):
    """For list-like results: servers (wsgiref among them) use len() == 1 to set
    Content-Length themselves; keep that behaviour under the profiler."""

    def __len__(self) -> int:
        return len(self._result)  # type: ignore[arg-type]


_PLAIN_SEQUENCES = (list, tuple)


def _runs_no_app_code(result: Any) -> bool:
    """Iterating a plain list or tuple runs no app code, and neither has close()."""
    return type(result) in _PLAIN_SEQUENCES


def _body_class(result: Any) -> type:
    return _SizedResponseBody if hasattr(result, "__len__") else _ResponseBody

