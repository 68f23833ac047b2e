"""Keep the profile directory bounded: at most N profiles and M megabytes, the
oldest (by name, which starts with the UTC time) removed first, and what killed
writers leave behind cleaned up: stale temporary files, and side files (.dot, .prof)
whose profile is gone. Only files this package names are ever touched."""

import os
import time
from typing import Dict, List

from .naming import DOT_SUFFIX, PROFILE_SUFFIX, PSTATS_SUFFIX, TEMP_PREFIX, TEMP_SUFFIX, is_profile_name, side_file_stem

STALE_TEMP_S = 3600.0
# A writer writes the profile, then its side files, within milliseconds; a side file
# without its profile for this long is an orphan (a writer killed between two renames,
# retention killed between two removals), not a profile being written by another process.
ORPHAN_GRACE_S = 60.0
_OURS_IN_TEMP = (PROFILE_SUFFIX + ".", DOT_SUFFIX + ".", PSTATS_SUFFIX + ".")


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:  # another process got there first
        pass


def _remove_orphans(directory: str, names: List[str], now: float) -> None:
    present = set(names)
    for name in names:
        stem = side_file_stem(name)
        if not stem or stem + PROFILE_SUFFIX in present:
            continue
        path = os.path.join(directory, name)
        try:
            # The profile may have been written since the listing: look again.
            if now - os.stat(path).st_mtime > ORPHAN_GRACE_S and not os.path.exists(
                    os.path.join(directory, stem + PROFILE_SUFFIX)):
                _remove(path)
        except OSError:
            pass


def enforce(directory: str, max_files: int, max_mb: float, now: float = 0.0) -> List[str]:
    """Returns the stems removed. max_files / max_mb of 0 mean no limit."""
    names = os.listdir(directory)
    now = now or time.time()
    for name in names:
        if name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX) and any(s in name for s in _OURS_IN_TEMP):
            path = os.path.join(directory, name)
            try:
                if now - os.stat(path).st_mtime > STALE_TEMP_S:
                    _remove(path)
            except OSError:
                pass
    _remove_orphans(directory, names, now)
    if not max_files and not max_mb:
        return []
    stems = sorted(n[: -len(PROFILE_SUFFIX)] for n in names if is_profile_name(n))
    present = set(names)
    sidecars: Dict[str, List[str]] = {
        stem: [stem + s for s in (PROFILE_SUFFIX, DOT_SUFFIX, PSTATS_SUFFIX) if stem + s in present]
        for stem in stems}
    sizes: Dict[str, int] = {}
    total = 0
    if max_mb:
        for stem in stems:
            sizes[stem] = sum(_size(os.path.join(directory, n)) for n in sidecars[stem])
            total += sizes[stem]
    limit_bytes = max_mb * 1024 * 1024
    removed: List[str] = []
    count = len(stems)
    for stem in stems:
        over_count = bool(max_files) and count > max_files
        over_size = bool(max_mb) and total > limit_bytes
        if not (over_count or over_size):
            break
        # The profile first: once it is gone no reader lists this stem any more.
        for name in sorted(sidecars[stem], key=lambda n: not n.endswith(PROFILE_SUFFIX)):
            _remove(os.path.join(directory, name))
        removed.append(stem)
        count -= 1
        total -= sizes.get(stem, 0)
    return removed
