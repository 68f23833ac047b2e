"""Build the JSON profile document of src/core/profileFormat.ts from a RequestRecord,
and serialise it with the listing header alone on the first line."""

import json
from typing import Any, Dict, List, Optional, Tuple

from . import naming
from .interpreter import interpreter_paths, python_info
from .record import RequestRecord
from .redact import Redactor, redact_all
from .request_environ import server_environ_note, split_wsgi_environ
from .recording import OWN_CALLS
from .sampling.profile_tables import function_tables
from .sampling.stack_table import SampledTables
from .stats import ProfileTables, extract

FORMAT = "request-profiler"
VERSION = 1
# Profiles of the sampling engine: the same sections, functions and edges, plus the
# sampled stacks and how the sampling went (docs/profile-format.md).
SAMPLED_VERSION = 2

# Every file starts with exactly these bytes; a reader can check them cheaply.
FIRST_LINE_PREFIX = '{"format":"%s","version":%d,"header":' % (FORMAT, VERSION)
SAMPLED_FIRST_LINE_PREFIX = '{"format":"%s","version":%d,"header":' % (FORMAT, SAMPLED_VERSION)
FIRST_LINE_PREFIXES = (FIRST_LINE_PREFIX, SAMPLED_FIRST_LINE_PREFIX)
_COMPACT = (",", ":")

# Order of the document's sections after the header line.
BODY_KEYS = ("request", "response", "environ", "error", "python", "paths", "profile")

# Static for the life of the process: computed once.
_PYTHON = python_info()
_paths_found: Optional[Dict[str, Any]] = None


def _paths() -> Dict[str, Any]:
    global _paths_found
    if _paths_found is None:
        _paths_found = interpreter_paths()
    return _paths_found


def _int_or_none(value: Optional[str]) -> Optional[int]:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _sampled(record: RequestRecord) -> Any:
    """The sampling engine's result (sampler.SamplingResult) when the request was sampled."""
    if getattr(record.profiler, "engine", None) == "sample":
        return record.profiler.result
    return None


def _tables(record: RequestRecord, stacks: Optional[SampledTables]) -> ProfileTables:
    if stacks is not None:
        return function_tables(stacks)
    if record.profiler is None:
        return ProfileTables([], [])
    return extract(record.profiler.getstats(), OWN_CALLS)


def build(record: RequestRecord, redactor: Redactor,
          record_server_environ: bool = False) -> Tuple[Dict[str, Any], Dict[str, Any], ProfileTables]:
    """The header and body of the profile, every request and response value redacted
    (see redact.py); a WSGI environ without the server process's own variables unless
    record_server_environ. The header's id is the file name's stem, made from the
    redacted path."""
    sampled = _sampled(record)
    # Made once: the function and edge tables index the stacks' functions.
    stacks = sampled.table.tables() if sampled is not None else None
    tables = _tables(record, stacks)
    redaction = redactor.start()
    content_type = record.response_header("Content-Type")
    content_length = _int_or_none(record.response_header("Content-Length"))
    path = redaction.url(record.path)
    query = redaction.query(record.query)
    notes = list(record.notes)
    environ = record.environ
    if record.interface == "wsgi" and not record_server_environ:
        environ, left_out = split_wsgi_environ(environ)
        if left_out:
            notes.append(server_environ_note(left_out))
    request = {
        "method": record.method,
        "path": path,
        "query": query,
        "scheme": record.scheme,
        "host": redaction.text(record.host),
        "remoteAddr": record.remote_addr,
        "headers": [list(p) for p in redaction.pairs(record.request_headers)],
    }
    response = {
        "status": record.status,
        "statusLine": record.status_line,
        "headers": [[str(k), str(v)] for k, v in redaction.pairs((str(k), str(v)) for k, v in record.response_headers)],
        "contentType": content_type,
        "contentLength": content_length,
        "bytesSent": record.bytes_sent,
        "disconnect": record.disconnect,
    }
    environ = redact_all(redaction, environ)
    error = record.error
    if error is not None:
        error = {key: redaction.text(value) for key, value in error.items()}
    notes = [redaction.text(note) for note in notes]
    # Last: every secret found above, wherever else it appears.
    request, response, environ, error, notes = redaction.scrub([request, response, environ, error, notes])
    header = {
        "id": naming.profile_stem(record.start, record.method, request["path"], record.pid, record.unique),
        "start": record.start,
        "wallMs": record.wall_s * 1000.0,
        "cpuMs": record.cpu_s * 1000.0,
        "profiledMs": tables.profiled_seconds() * 1000.0,
        "interface": record.interface,
        "profiled": record.profiler is not None,
        "skipReason": record.skip_reason,
        "method": record.method,
        "path": request["path"],
        "query": request["query"],
        "status": record.status,
        "contentType": content_type,
        "contentLength": content_length,
        "bytesSent": record.bytes_sent,
        "pid": record.pid,
        "threadId": record.thread_id,
        "threadName": record.thread_name,
        "error": record.error["type"] if record.error is not None else None,
        "clientDisconnected": record.disconnect is not None,
        "functionCount": len(tables.functions),
        "edgeCount": len(tables.edges),
    }
    if record.route is not None:
        header["route"] = record.route
    body = {
        "request": request,
        "response": response,
        "environ": environ,
        "error": error,
        "python": _PYTHON,
        "paths": _paths(),
        "profile": {"functions": tables.functions, "edges": tables.edges, "notes": notes},
    }
    if sampled is not None and stacks is not None:
        header["engine"] = "sample"
        header["profiledMs"] = sum(row[3] for row in stacks.stacks if row[0]) * 1000.0
        body["profile"] = {"engine": "sample", "functions": tables.functions, "edges": tables.edges,
                           "sampling": sampled.stats(), "stacks": stacks.stacks, "notes": notes}
    return header, body, tables


def _dumps(value: Any) -> str:
    try:
        return json.dumps(value, separators=_COMPACT, allow_nan=False)
    except (TypeError, ValueError):
        # Never let one odd value cost the whole profile: fall back to its repr.
        return json.dumps(value, separators=_COMPACT, default=repr, allow_nan=True)


def serialise(header: Dict[str, Any], body: Dict[str, Any]) -> str:
    """Line 1 is the format marker and the header; every later section gets its own
    line (profile data last, as it is the bulk)."""
    prefix = SAMPLED_FIRST_LINE_PREFIX if header.get("engine") == "sample" else FIRST_LINE_PREFIX
    parts: List[str] = [prefix, _dumps(header), ",\n"]
    for i, key in enumerate(BODY_KEYS):
        parts.append('"%s":%s' % (key, _dumps(body[key])))
        parts.append(",\n" if i < len(BODY_KEYS) - 1 else "}\n")
    return "".join(parts)
