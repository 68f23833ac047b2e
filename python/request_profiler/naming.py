"""Profile file names: sortable by time and unique across threads and processes.

<UTC yyyymmddTHHMMSS.ffffff>-<METHOD>-<path slug>-<pid>-<unique>.rprof.json

The unique part is a per-process sequence number (so one process never repeats a
name, even within one microsecond) followed by random bits drawn once per process
(so a recycled pid, or processes that share a pid in separate containers, in the
same microsecond still cannot collide)."""

import datetime
import itertools
import os
import re

PROFILE_SUFFIX = ".rprof.json"
DOT_SUFFIX = ".dot"
PSTATS_SUFFIX = ".prof"
TEMP_PREFIX = "."
TEMP_SUFFIX = ".tmp"
SLUG_MAX = 40

# What profile_stem() makes: retention touches nothing else.
_STEM = re.compile(r"\d{8}T\d{6}\.\d{6}-[A-Z]{1,12}-[A-Za-z0-9_.]{1,%d}-\d+-[0-9a-f]{8}$" % SLUG_MAX)

_sequence = itertools.count()
_UNSAFE = re.compile(r"[^A-Za-z0-9_.]+")
_process_bits = os.urandom(2).hex()


def _draw_process_bits() -> None:
    global _process_bits
    _process_bits = os.urandom(2).hex()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_draw_process_bits)


def path_slug(path: str) -> str:
    slug = _UNSAFE.sub("_", path).strip("_.")[:SLUG_MAX].strip("_.")
    return slug or "root"


def method_slug(method: str) -> str:
    return re.sub(r"[^A-Z]", "", method.upper())[:12] or "UNKNOWN"


def unique_part() -> str:
    return "%04x%s" % (next(_sequence) & 0xFFFF, _process_bits)


def profile_stem(start: float, method: str, path: str, pid: int, unique: str) -> str:
    stamp = datetime.datetime.fromtimestamp(start, datetime.timezone.utc).strftime("%Y%m%dT%H%M%S.%f")
    return "%s-%s-%s-%d-%s" % (stamp, method_slug(method), path_slug(path), pid, unique)


def temp_name(final_name: str) -> str:
    """Starts with '.' and ends with '.tmp': readers ignore it, and a writer killed
    mid-write leaves nothing that looks like a profile."""
    return "%s%s.%s%s" % (TEMP_PREFIX, final_name, os.urandom(3).hex(), TEMP_SUFFIX)


def is_profile_name(name: str) -> bool:
    return name.endswith(PROFILE_SUFFIX) and not name.startswith(TEMP_PREFIX)


def is_stem(text: str) -> bool:
    return _STEM.match(text) is not None


def side_file_stem(name: str) -> str:
    """The stem of a side file this package names (<stem>.dot, <stem>.prof), or ""."""
    for suffix in (DOT_SUFFIX, PSTATS_SUFFIX):
        if name.endswith(suffix) and is_stem(name[: -len(suffix)]):
            return name[: -len(suffix)]
    return ""
