"""Which WSGI environ keys belong to the request.

A WSGI environ is the request's CGI variables, its HTTP_* headers and the server's and
middleware's dotted extension keys (wsgi.*, gunicorn.socket, werkzeug.request...); but
wsgiref (and CGI-style servers) also copy the server process's whole environment into
it: HOME, PATH, cloud credentials, DATABASE_URL... Those are not the request's and are
left out of profiles unless record_server_environ asks for them (then redacted)."""

from typing import Dict, Tuple

# RFC 3875's request meta-variables, and the request keys servers add (gunicorn's
# RAW_URI, Werkzeug/uWSGI/mod_wsgi's REQUEST_URI, nginx/Apache-style ones).
REQUEST_KEYS = frozenset((
    "AUTH_TYPE", "CONTENT_LENGTH", "CONTENT_TYPE", "GATEWAY_INTERFACE", "PATH_INFO", "PATH_TRANSLATED",
    "QUERY_STRING", "REMOTE_ADDR", "REMOTE_HOST", "REMOTE_IDENT", "REMOTE_USER", "REQUEST_METHOD",
    "SCRIPT_NAME", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL", "SERVER_SOFTWARE",
    "REQUEST_URI", "RAW_URI", "REMOTE_PORT", "REQUEST_SCHEME", "HTTPS", "SERVER_ADDR", "SERVER_PORT_SECURE",
    "DOCUMENT_ROOT", "DOCUMENT_URI", "SCRIPT_FILENAME", "SCRIPT_URI", "SCRIPT_URL", "CONTEXT_PREFIX",
    "CONTEXT_DOCUMENT_ROOT", "REDIRECT_STATUS", "REDIRECT_URL", "REDIRECT_QUERY_STRING", "REQUEST_TIME",
    "REQUEST_TIME_FLOAT", "UNIQUE_ID", "UWSGI_ROUTER", "UWSGI_SCHEME",
))


def is_request_key(key: str) -> bool:
    # Environment variable names have no '.', PEP 3333's extension keys always do.
    return key.startswith("HTTP_") or key in REQUEST_KEYS or "." in key


def split_wsgi_environ(environ: Dict[str, str]) -> Tuple[Dict[str, str], int]:
    """(the request's keys, how many other keys were left out)."""
    kept = {key: value for key, value in environ.items() if is_request_key(key)}
    return kept, len(environ) - len(kept)


def server_environ_note(left_out: int) -> str:
    return ("%d variable(s) of the server's process environment in the WSGI environ were not recorded "
            "(record_server_environ=true records them, redacted)" % left_out)
