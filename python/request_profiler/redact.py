"""Keep secrets out of profile files: header, environ and query values whose names
look secret are replaced by "[redacted]" before anything is written."""

import re
from typing import Iterable, List, Optional, Pattern, Tuple
from urllib.parse import parse_qsl

REDACTED = "[redacted]"

# Matched against names normalised to lower case with '-' for '_' and without an
# HTTP_/http- prefix, so "HTTP_X_API_KEY", "X-Api-Key" and "x_api_key" all match.
_URL_PASSWORD = re.compile(r"(://[^/:@\s]*:)[^@/\s]*@")

DEFAULT_SECRET_NAMES = (
    r"^cookie$", r"^set-cookie$", r"^authorization$", r"^proxy-authorization$",
    r"api-?key", r"token", r"secret", r"passw", r"session", r"csrf", r"xsrf",
    r"credential", r"signature", r"^auth$", r"private",
)


def normalise_name(name: str) -> str:
    text = name.lower().replace("_", "-")
    for prefix in ("http-", "headers."):  # WSGI environ keys, our flattened ASGI scope headers
        if text.startswith(prefix):
            return text[len(prefix):]
    return text


class Redactor:
    def __init__(self, enabled: bool = True, extra_patterns: Iterable[str] = ()) -> None:
        self.enabled = enabled
        # One alternation instead of a loop over patterns: a WSGI environ can hold a
        # hundred keys (wsgiref copies os.environ into it).
        sources = list(DEFAULT_SECRET_NAMES) + ["(?i:%s)" % p for p in extra_patterns]
        self._names: Pattern[str] = re.compile("|".join("(?:%s)" % p for p in sources))

    def is_secret(self, name: str) -> bool:
        if not self.enabled:
            return False
        return self._names.search(normalise_name(name)) is not None

    def value(self, name: str, value: str) -> str:
        if self.is_secret(name):
            return REDACTED
        if self.enabled and "://" in value and "@" in value:
            # DATABASE_URL=postgres://user:password@host/db and the like.
            return _URL_PASSWORD.sub(r"\1" + REDACTED + "@", value)
        return value

    def pairs(self, pairs: Iterable[Tuple[str, str]]) -> List[Tuple[str, str]]:
        return [(name, self.value(name, value)) for name, value in pairs]

    def query(self, query: Optional[str]) -> str:
        """Redact the values of secret-looking query parameters, keep the rest as sent."""
        if not query or not self.enabled:
            return query or ""
        parts = []
        for piece in query.split("&"):
            name = piece.split("=", 1)[0]
            decoded = parse_qsl(name + "=", keep_blank_values=True)
            plain = decoded[0][0] if decoded else name
            if "=" in piece and self.is_secret(plain):
                parts.append(name + "=" + REDACTED)
            else:
                parts.append(piece)
        return "&".join(parts)
