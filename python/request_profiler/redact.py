"""Keep secrets out of profile files.

Three layers, each catching what the one before cannot see:
1. by name: values of headers, environ/scope keys and query, path or free-text
   `name=value` parameters whose (percent-decoded, normalised) name looks secret;
2. by structure: wherever a value carries a URL or a query (QUERY_STRING, REQUEST_URI,
   RAW_URI, Referer, Location, raw_path, a framework object's repr...), the query and
   fragment parameters, `;` path parameters and the URL's user part are redacted, also
   inside a (percent-encoded) URL that is itself a parameter value; well-known token
   shapes (JWTs, private key blocks, Stripe/GitHub/Slack/AWS keys) are redacted anywhere;
3. by value: every secret found by 1 or 2 is then replaced wherever else it appears in
   the profile (an app's error message, another environ value, a repr).
"""

import re
from typing import Any, Dict, Iterable, List, Optional, Pattern, Set, Tuple, cast
from urllib.parse import quote, unquote_plus

REDACTED = "[redacted]"

# Matched against names normalised by normalise_name(): percent-decoded, lower case,
# every run of other characters turned into one '-', without an http-/headers- prefix.
# So "HTTP_X_API_KEY", "X-Api-Key", "x_api_key" and "x%5Fapi%5Fkey" all read "x-api-key".
DEFAULT_SECRET_NAMES = (
    r"cookie", r"authoriz", r"(^|-)auth(-|$)", r"(^|-)keys?(-|$)", r"(api|access|secret|private|signing|master|encryption|license)-?keys?",
    r"token", r"secret", r"passw", r"(^|-)pass(-|$)", r"passphrase", r"pwd", r"session", r"sessid",
    r"(^|-)sid$", r"csrf", r"xsrf", r"credential", r"signature", r"(^|-)sig(-|$)", r"private", r"dsn$",
    r"jwt", r"bearer", r"^code$", r"(^|-)otp(-|$)", r"^pin$", r"hmac", r"webhook", r"saml", r"ticket",
    r"assertion",
)

# Values shorter than this found secret are redacted where they were found, but not
# searched for elsewhere: replacing "1" or "abc" everywhere would wreck the profile.
MIN_SCRUB_LENGTH = 6

# How deep a value inside a value (a URL in a query value in a URL...) is looked into.
MAX_DEPTH = 4

_NAME_PREFIXES = ("http-", "headers-")  # WSGI environ keys, our flattened ASGI scope headers
_NAME_RUNS = re.compile(r"[^a-z0-9]+")

# The user part of a URL (everything up to the authority's last '@'): "user:password"
# keeps the user, a user part alone is a key in practice (Sentry DSNs, git tokens).
_USERINFO = re.compile(r"(://|^//)([^/?#\s'\"<>]*)@")

_TOKEN_SHAPES = re.compile(
    r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)"
    r"|\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"  # JWT / JWS
    r"|\b[sr]k_(?:live|test)_[A-Za-z0-9]{8,}"  # Stripe secret and restricted keys
    r"|\bgh[pousr]_[A-Za-z0-9]{16,}"  # GitHub tokens
    r"|\bxox[abeprs]-[A-Za-z0-9-]{10,}"  # Slack tokens
    r"|\b(?:AKIA|ASIA)[0-9A-Z]{16}\b",  # AWS access key ids
    re.DOTALL)

# `name=value` (or `'name': value`, as in a dict's repr) in free text. The look-behind
# makes every name start at a boundary, which keeps the search linear.
_NAME_CHARS = r"[\w.%+\[\]-]"
_EQUALS_PAIR = re.compile(r"(?<!%s)(%s+)[ \t]*=[ \t]*" % (_NAME_CHARS, _NAME_CHARS))
_QUOTED_NAME_PAIR = re.compile(r"""(['"])(%s+)\1[ \t]*:[ \t]*""" % _NAME_CHARS)
_FREE_VALUE = re.compile(r"""[^&;\s'"<>]*""")
_PATH_VALUE = re.compile(r"""[^&;\s'"<>/]*""")  # in a URL's path a value ends at '/' too
_AUTH_SCHEME = re.compile(r"(?i)(bearer|basic|digest|token|negotiate|hmac|aws4-hmac-sha256)$")
_WORD = re.compile(r"\S*")


def _end_of_match(pattern: Pattern[str], text: str, start: int) -> int:
    """Where pattern's match at start ends. For the value patterns above, which match
    the empty string and so always match; start if one ever did not."""
    match = pattern.match(text, start)
    return start if match is None else match.end()
_PATH_PARAMETER = re.compile(r";([^/;=?#]*)=([^/;?#]*)")
_QUERY_SEPARATORS = re.compile(r"([&;])")
_URL_LIKE = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*://|/)\S*$")
_PIECES = re.compile(r"[\s;,&]+")

# Names whose value is a query string, not a URL.
_QUERY_NAMES = frozenset(("QUERY_STRING", "REDIRECT_QUERY_STRING", "query_string"))

_MAX_VERDICTS = 4096


def normalise_name(name: str) -> str:
    text = name
    for _ in range(3):  # pass%2577ord is pass%77ord is password
        if "%" not in text and "+" not in text:
            break
        text = unquote_plus(text)
    text = _NAME_RUNS.sub("-", text.lower()).strip("-")
    for prefix in _NAME_PREFIXES:
        if text.startswith(prefix):
            return text[len(prefix):]
    return text


class Redactor:
    """The configuration (on or off, which names): one per middleware. Each profile is
    redacted by its own Redaction (start()), which remembers the secrets it found."""

    def __init__(self, enabled: bool = True, extra_patterns: Iterable[str] = ()) -> None:
        self.enabled = enabled
        # One alternation instead of a loop over patterns: a WSGI environ can hold a
        # hundred keys.
        sources = list(DEFAULT_SECRET_NAMES) + ["(?i:%s)" % p for p in extra_patterns]
        self._names: Pattern[str] = re.compile("|".join("(?:%s)" % p for p in sources))

        # name -> verdict: the same environ keys, headers and parameters come with every
        # request, and normalising and matching a name is most of the cost of redaction.
        self._verdicts: Dict[str, bool] = {}

    def is_secret(self, name: str) -> bool:
        if not self.enabled:
            return False
        verdict = self._verdicts.get(name)
        if verdict is None:
            verdict = self._names.search(normalise_name(name)) is not None
            if len(self._verdicts) >= _MAX_VERDICTS:  # names made up by clients must not grow it
                self._verdicts.clear()
            self._verdicts[name] = verdict
        return verdict

    def start(self) -> "Redaction":
        return Redaction(self)

    # One-off conveniences (each value on its own, nothing remembered across calls).
    def value(self, name: str, value: str) -> str:
        return self.start().value(name, value)

    def pairs(self, pairs: Iterable[Tuple[str, str]]) -> List[Tuple[str, str]]:
        return self.start().pairs(pairs)

    def query(self, query: Optional[str]) -> str:
        return self.start().query(query)


class Redaction:
    """Redacts the values of one profile and remembers every secret it removed, so that
    scrub() can remove them wherever else they appear."""

    def __init__(self, redactor: Redactor) -> None:
        self.redactor = redactor
        self.enabled = redactor.enabled
        self.found: Set[str] = set()

    # -- values by what carries them ------------------------------------------------
    def value(self, name: str, value: str) -> str:
        """An environ, scope or header value: the name decides first, then the shape."""
        if not self.enabled or not value:
            return value
        if self.redactor.is_secret(name):
            self._remember(value)
            return REDACTED
        if name in _QUERY_NAMES:
            return self.query(value)
        return self.text(value)

    def pairs(self, pairs: Iterable[Tuple[str, str]]) -> List[Tuple[str, str]]:
        return [(name, self.value(name, value)) for name, value in pairs]

    def text(self, text: str, depth: int = 0) -> str:
        """Any string: a URL is parsed as one, anything else searched for secrets."""
        if not self.enabled or not text or depth > MAX_DEPTH:
            return text
        if _URL_LIKE.match(text):
            return self.url(text, depth)
        return self._free_text(text, depth)

    def url(self, url: str, depth: int = 0) -> str:
        """A URL, or a request path (which, decoded, can hold a '?' or '#' of its own)."""
        if not self.enabled or not url:
            return url
        base, hash_mark, fragment = url.partition("#")
        path, question_mark, query = base.partition("?")
        path = _PATH_PARAMETER.sub(lambda m: self._parameter(m.group(0)[:m.start(2) - m.start(0)],
                                                             m.group(1), m.group(2), depth), path)
        path = self._free_text(path, depth, _PATH_VALUE)
        if question_mark:
            query = self.query(query, depth)
        if hash_mark:
            fragment = self.query(fragment, depth) if "=" in fragment else self._free_text(fragment, depth)
        return path + question_mark + query + hash_mark + fragment

    def query(self, query: Optional[str], depth: int = 0) -> str:
        """A query string: parameters split on '&' and ';', names percent-decoded; what is
        not secret is kept as sent."""
        if not query or not self.enabled:
            return query or ""
        parts = _QUERY_SEPARATORS.split(query)
        for i in range(0, len(parts), 2):
            name, equals, value = parts[i].partition("=")
            if equals:
                parts[i] = self._parameter(name + "=", name, value, depth)
            else:
                parts[i] = self._scrub_shapes(name)
        return "".join(parts)

    # -- the whole profile ------------------------------------------------------------
    def scrub(self, value: Any) -> Any:
        """Every string in value (dicts and lists walked) with each secret found so far
        replaced, and free-text secrets (an error message, a note) redacted."""
        if not self.enabled:
            return value
        secrets = sorted((s for s in self.found if len(s) >= MIN_SCRUB_LENGTH), key=len, reverse=True)
        return self._scrub(value, secrets)

    def _scrub(self, value: Any, secrets: List[str]) -> Any:
        if isinstance(value, str):
            text = value
            for secret in secrets:
                if secret in text:
                    text = text.replace(secret, REDACTED)
            return text
        if isinstance(value, dict):
            return {key: self._scrub(item, secrets) for key, item in cast(Dict[Any, Any], value).items()}
        if isinstance(value, (list, tuple)):
            return [self._scrub(item, secrets) for item in cast(Iterable[Any], value)]
        return value

    # -- pieces ---------------------------------------------------------------------
    def _parameter(self, prefix: str, name: str, value: str, depth: int) -> str:
        """prefix is what precedes value as sent ("name=", ";name=")."""
        if self.redactor.is_secret(name):
            if value:
                self._remember(value)
            return prefix + REDACTED
        if not value:
            return prefix
        decoded = unquote_plus(value) if ("%" in value or "+" in value) else value
        redacted = self.text(decoded, depth + 1)
        if redacted == decoded:
            return prefix + value
        # Re-encoded so that the parameter still parses as one; brackets left readable.
        return prefix + (quote(redacted, safe="/:@[]") if decoded is not value else redacted)

    def _free_text(self, text: str, depth: int, value_pattern: Pattern[str] = _FREE_VALUE) -> str:
        if "@" in text:
            text = _USERINFO.sub(self._userinfo, text)
        text = self._scrub_shapes(text)
        if "=" in text:
            text = self._pairs_in_text(_EQUALS_PAIR, 1, text, depth, value_pattern)
        if ":" in text and ("'" in text or '"' in text):
            text = self._pairs_in_text(_QUOTED_NAME_PAIR, 2, text, depth, value_pattern)
        return text

    def _pairs_in_text(self, pattern: Pattern[str], name_group: int, text: str, depth: int,
                       value_pattern: Pattern[str]) -> str:
        out: List[str] = []
        position = 0
        while True:
            match = pattern.search(text, position)
            if match is None:
                break
            start = match.end()
            if self.redactor.is_secret(match.group(name_group)):
                end = self._secret_value_end(text, start, value_pattern)
                if end > start:
                    self._remember(text[start:end].strip("'\""))
                    quote_char = text[start] if text[start] in "'\"" else ""
                    out.append(text[position:start] + quote_char + REDACTED + quote_char)
                    position = end
                    continue
            elif "%" in text[start:start + 256]:
                # A percent-encoded value may hide a URL or a query: look inside.
                end = _end_of_match(value_pattern, text, start)
                raw = text[start:end]
                if "%" in raw:
                    replaced = self._parameter("", match.group(name_group), raw, depth)
                    if replaced != raw:
                        out.append(text[position:start] + replaced)
                        position = end
                        continue
            out.append(text[position:start])
            position = start
        out.append(text[position:])
        return "".join(out)

    @staticmethod
    def _secret_value_end(text: str, start: int, value_pattern: Pattern[str]) -> int:
        if start < len(text) and text[start] in "'\"":
            close = text.find(text[start], start + 1)
            return len(text) if close < 0 else close + 1
        end = _end_of_match(value_pattern, text, start)
        if _AUTH_SCHEME.match(text, start, end) and end < len(text) and text[end] == " ":
            end = _end_of_match(_WORD, text, end + 1)  # "Authorization=Bearer <token>"
        return end

    def _userinfo(self, match: "re.Match[str]") -> str:
        info = match.group(2)
        if not info:
            return match.group(0)
        user, colon, password = info.partition(":")
        if colon:
            if not password:
                return match.group(0)
            self._remember(password)
            return match.group(1) + user + ":" + REDACTED + "@"
        self._remember(info)
        return match.group(1) + REDACTED + "@"

    def _scrub_shapes(self, text: str) -> str:
        if not text:
            return text
        return _TOKEN_SHAPES.sub(self._shape, text)

    def _shape(self, match: "re.Match[str]") -> str:
        self._remember(match.group(0))
        return REDACTED

    def _remember(self, value: str) -> None:
        """The secret, its decoded form, and the pieces of a composite value (the
        cookie values of a Cookie header, the credentials after an auth scheme)."""
        found = self.found
        found.add(value)
        if "%" in value or "+" in value:
            found.add(unquote_plus(value))
        for piece in _PIECES.split(value):
            piece = piece.partition("=")[2] or piece
            if not _AUTH_SCHEME.match(piece):
                found.add(piece)
                if "%" in piece:
                    found.add(unquote_plus(piece))


def redact_all(redaction: Redaction, values: Dict[str, str]) -> Dict[str, str]:
    """An environ or flattened scope, each value redacted under its key."""
    return {key: redaction.value(key, value) for key, value in values.items()}
