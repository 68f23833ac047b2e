"""Build the JSON profile document of src/core/profileFormat.ts from a RequestRecord,
and serialise it with the listing header alone on the first line."""

import json
from typing import Any, Dict, List, Optional, Tuple

from .interpreter import interpreter_paths, python_info
from .record import RequestRecord
from .redact import Redactor
from .stats import ProfileTables, extract

FORMAT = "request-profiler"
VERSION = 1

# Every file starts with exactly these bytes; a reader can check them cheaply.
FIRST_LINE_PREFIX = '{"format":"%s","version":%d,"header":' % (FORMAT, VERSION)
_COMPACT = (",", ":")

# Order of the document's sections after the header line.
BODY_KEYS = ("request", "response", "environ", "error", "python", "paths", "profile")

# Static for the life of the process: computed once.
_PYTHON = python_info()
_PATHS: Optional[Dict[str, Any]] = None


def _paths() -> Dict[str, Any]:
    global _PATHS
    if _PATHS is None:
        _PATHS = interpreter_paths()
    return _PATHS


def _int_or_none(value: Optional[str]) -> Optional[int]:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _tables(record: RequestRecord) -> ProfileTables:
    if record.profiler is None:
        return ProfileTables([], [])
    return extract(record.profiler.getstats())


def build(record: RequestRecord, redactor: Redactor, profile_id: str) -> Tuple[Dict[str, Any], Dict[str, Any], ProfileTables]:
    tables = _tables(record)
    content_type = record.response_header("Content-Type")
    content_length = _int_or_none(record.response_header("Content-Length"))
    query = redactor.query(record.query)
    header = {
        "id": profile_id,
        "start": record.start,
        "wallMs": record.wall_s * 1000.0,
        "cpuMs": record.cpu_s * 1000.0,
        "profiledMs": tables.profiled_seconds() * 1000.0,
        "interface": record.interface,
        "profiled": record.profiler is not None,
        "skipReason": record.skip_reason,
        "method": record.method,
        "path": record.path,
        "query": query,
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
    environ = {}
    for key, value in record.environ.items():
        if key in ("QUERY_STRING", "query_string"):
            environ[key] = redactor.query(value)
        else:
            environ[key] = redactor.value(key, value)
    body = {
        "request": {
            "method": record.method,
            "path": record.path,
            "query": query,
            "scheme": record.scheme,
            "host": record.host,
            "remoteAddr": record.remote_addr,
            "headers": [list(p) for p in redactor.pairs(record.request_headers)],
        },
        "response": {
            "status": record.status,
            "statusLine": record.status_line,
            "headers": [[str(k), str(v)] for k, v in redactor.pairs((str(k), str(v)) for k, v in record.response_headers)],
            "contentType": content_type,
            "contentLength": content_length,
            "bytesSent": record.bytes_sent,
            "disconnect": record.disconnect,
        },
        "environ": environ,
        "error": record.error,
        "python": _PYTHON,
        "paths": _paths(),
        "profile": {"functions": tables.functions, "edges": tables.edges, "notes": list(record.notes)},
    }
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
    parts: List[str] = [FIRST_LINE_PREFIX, _dumps(header), ",\n"]
    for i, key in enumerate(BODY_KEYS):
        parts.append('"%s":%s' % (key, _dumps(body[key])))
        parts.append(",\n" if i < len(BODY_KEYS) - 1 else "}\n")
    return "".join(parts)
