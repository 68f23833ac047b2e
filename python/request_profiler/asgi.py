"""The ASGI middleware: ASGIProfilerMiddleware(app, profile_dir='.profiles', **options).

HTTP requests are profiled step by step (see steps.py); lifespan and websocket
scopes pass through untouched. Usable as Starlette/FastAPI middleware:
app.add_middleware(ASGIProfilerMiddleware, profile_dir=".profiles").
"""

import http
import logging
from typing import Any, Awaitable, Callable, Dict, Iterable, MutableMapping, Tuple

from . import routes
from . import child_tasks
from .middleware_parts import MiddlewareParts
from .record import RequestRecord, as_string
from .recording import Recording
from .sampling.asgi_steps import SampledSteps
from .steps import StepProfiler

log = logging.getLogger("request_profiler")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

ASGI_NOTE = ("asgi: the profiler ran only while this request's task (and tasks it started) ran; time spent "
             "awaiting is in wallMs, not in profiledMs or cpuMs; every resumption of a coroutine counts as a "
             "call; work in other threads (thread-pool endpoints) is not recorded")

ASGI_SAMPLED_NOTE = ("asgi: sampled; the request's running and awaiting times are measured exactly at each "
                     "step of its task (and tasks it started), and samples divide each among stacks; work it "
                     "hands to a thread pool in a copy of its context (a plain def endpoint, asyncio.to_thread, "
                     "sync_to_async) is sampled in the worker thread, under <in a worker thread>; work in other "
                     "threads (run_in_executor with a plain function, threads of the app's own) is not sampled: "
                     "it shows as awaiting at the await that waits for it")

# A step cannot wait long: it blocks the event loop. Longer waits make the step unprofiled.
MAX_STEP_WAIT_S = 0.25


def _text(value: Any) -> str:
    return value.decode("latin-1") if isinstance(value, (bytes, bytearray)) else str(value)


def _utf8(value: Any) -> str:
    raw = value if isinstance(value, (bytes, bytearray)) else str(value).encode("latin-1", "replace")
    return raw.decode("utf-8", "replace")


def _header_pairs(headers: Any) -> Iterable[Tuple[Any, Any]]:
    """A scope's or a message's headers: an iterable of (name, value) byte strings, or nothing."""
    return headers or []


def _status_line(status: int) -> str:
    try:
        return "%d %s" % (status, http.HTTPStatus(status).phrase)
    except ValueError:
        return str(status)


def fill_from_scope(record: RequestRecord, scope: Scope) -> None:
    record.method = str(scope.get("method", ""))
    record.path = str(scope.get("path", ""))
    record.query = _utf8(scope.get("query_string", b""))
    record.scheme = str(scope.get("scheme", "http"))
    headers = [(_text(k), _text(v)) for k, v in _header_pairs(scope.get("headers"))]
    record.request_headers = headers
    host = next((v for k, v in headers if k.lower() == "host"), None)
    server = scope.get("server")
    if not host and server:
        host = "%s:%s" % (server[0], server[1])
    record.host = host or ""
    client = scope.get("client")
    record.remote_addr = str(client[0]) if client else None
    environ: Dict[str, str] = {}
    for key, value in scope.items():
        if key == "headers":
            continue
        environ[str(key)] = _text(value) if isinstance(value, (bytes, bytearray)) else as_string(value)
    for name, value in headers:
        environ["headers." + name.lower()] = value
    record.environ = environ


class ASGIProfilerMiddleware(MiddlewareParts):
    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], profile_dir: str = ".profiles",
                 **options: Any) -> None:
        self.route_lookup = routes.asgi_lookup(app)
        self.app = app
        super().__init__(profile_dir, options)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.writer is None or scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        try:
            wanted = self.selector.wants(str(scope.get("path", "")))
            record = RequestRecord("asgi")
            record.defer_request_fields(fill_from_scope, dict(scope))
            steps: Any
            if self.sampler is not None:
                record.notes.append(ASGI_SAMPLED_NOTE)
                steps = SampledSteps(self.sampler)
            else:
                record.notes.append(ASGI_NOTE)
                steps = StepProfiler(Recording(self.config.confine_threads, self.gate),
                                     min(self.config.max_wait_s, MAX_STEP_WAIT_S))
        except Exception:
            log.exception("request_profiler: could not start profiling; serving the request unprofiled")
            await self.app(scope, receive, send)
            return
        if not wanted:
            await self.app(scope, receive, send)
            return

        # Whether the last body message has been sent: an http.disconnect after it is
        # the normal end of the exchange, before it the client went away.
        response_complete = [False]

        async def recording_send(message: Message) -> None:
            kind = message.get("type")
            if kind == "http.response.start":
                status = message.get("status")
                record.status_line = _status_line(int(status)) if status is not None else None
                record.response_headers = [(_text(k), _text(v)) for k, v in _header_pairs(message.get("headers"))]
            elif kind == "http.response.body":
                record.bytes_sent += len(message.get("body") or b"")
                record.chunks_sent += 1
                if not message.get("more_body", False):
                    response_complete[0] = True
            try:
                await send(message)
            except OSError as exc:  # uvicorn's ClientDisconnected, a broken pipe...
                record.note_disconnect("sending to the client failed: %s: %s" % (type(exc).__name__, exc))
                raise

        async def recording_receive() -> Message:
            message = await receive()
            if message.get("type") == "http.disconnect" and not response_complete[0]:
                record.note_disconnect("the client disconnected before the response was complete (http.disconnect)")
            return message

        follows_children = self.config.profile_child_tasks and child_tasks.install_on_running_loop()
        token = child_tasks.CURRENT.set(steps) if follows_children else None
        try:
            await steps.run(self.app(scope, recording_receive, recording_send))
        except BaseException as exc:
            record.capture_error(exc)
            raise
        finally:
            steps.closed = True
            if token is not None:
                child_tasks.CURRENT.reset(token)
            if not follows_children:
                record.notes.append("tasks started by this request were not profiled")
            self._finish(record, steps, scope)

    def _finish(self, record: RequestRecord, steps: Any, scope: Scope) -> None:
        try:
            record.finish()
            recording_notes = steps.recording.finish()
            record.cpu_s = steps.cpu_s
            if steps.steps and steps.unprofiled_steps == steps.steps:
                record.profiler = None
                record.skip_reason = steps.last_refusal
            else:
                record.profiler = steps.profiler
                record.notes.append("%d step(s) of this request's task(s) were profiled" % (steps.steps - steps.unprofiled_steps))
                if steps.unprofiled_steps:
                    record.notes.append("%d step(s) ran unprofiled: %s" % (steps.unprofiled_steps, steps.last_refusal))
                record.notes.extend(recording_notes)
            record.route = routes.find(self.route_lookup, record.request_source(), scope)
            if self.writer is not None:
                self.writer.submit_if_kept(record)
        except Exception:
            log.exception("request_profiler: could not finish a profile (the request was served normally)")
