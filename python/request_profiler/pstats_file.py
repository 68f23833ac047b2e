"""The standard pstats file (what Profile.dump_stats writes), rebuilt from our
tables so that snakeviz, gprof2dot and pstats users can open a profile too."""

import marshal
from typing import Any, Dict, Tuple

from .stats import ProfileTables

Label = Tuple[str, int, str]


def pstats_dict(tables: ProfileTables) -> Dict[Label, Any]:
    labels = [(f["file"], f["line"], f["name"]) for f in tables.functions]
    callers: Dict[Label, Dict[Label, Tuple[int, int, float, float]]] = {label: {} for label in labels}
    for caller, callee, cc, nc, tt, ct in tables.edges:
        # pstats puts nc before cc in caller entries (the reverse of the outer tuple).
        callers[labels[callee]][labels[caller]] = (nc, cc, tt, ct)
    return {label: (f["cc"], f["nc"], f["tt"], f["ct"], callers[label])
            for label, f in zip(labels, tables.functions)}


def pstats_bytes(tables: ProfileTables) -> bytes:
    return marshal.dumps(pstats_dict(tables))
