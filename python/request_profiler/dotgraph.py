"""A Graphviz call graph of one profile, after gprof2dot's conventions: node weight is
cumulative time over the request's profiled time, edge weight the callee's
cumulative time from that caller over the same total; small nodes and edges are
pruned; colours run from hot red to cold blue."""

import colorsys
import functools
import os
import re
from typing import Any, Dict, List

from .stats import ProfileTables

# (hue, saturation, lightness): gprof2dot's default colour map, gamma 1.
COLD = (2.0 / 3.0, 0.80, 0.25)
_NEEDS_ESCAPE = re.compile(r'[\\"\r\n\t]')
HOT = (0.0, 1.00, 0.50)


def colour(weight: float) -> str:
    # A thousand shades are more than the eye tells apart; caching them keeps the
    # writer thread (which shares the GIL with requests) short.
    return _colour_of_step(int(round(min(max(weight, 0.0), 1.0) * 1000)))


@functools.lru_cache(maxsize=1001)
def _colour_of_step(step: int) -> str:
    w = step / 1000.0
    h, s, l = (c + (hc - c) * w for c, hc in zip(COLD, HOT))
    r, g, b = colorsys.hls_to_rgb(h, l, s)
    return "#%02x%02x%02x" % (round(r * 255), round(g * 255), round(b * 255))


def pen_width(weight: float) -> float:
    return max(4.0 * weight, 0.5)


def dot_string(text: str) -> str:
    """A DOT double-quoted string; newlines become DOT's centred line breaks."""
    if not _NEEDS_ESCAPE.search(text):
        return '"%s"' % text
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"')
               .replace("\r", "").replace("\n", "\\n").replace("\t", "\\t"))
    return '"%s"' % escaped


def function_title(function: Dict[str, Any]) -> str:
    name = function.get("qualname") or function["name"]
    if function["file"] == "~":
        return name
    module = os.path.splitext(os.path.basename(function["file"]))[0]
    return "%s:%d:%s" % (module, function["line"], name)


def _calls(cc: int, nc: int) -> str:
    return "%d\u00d7" % nc if cc == nc else "%d/%d\u00d7" % (nc, cc)


def render(tables: ProfileTables, title: str, node_threshold: float = 0.005,
           edge_threshold: float = 0.001) -> str:
    total = tables.profiled_seconds()
    lines: List[str] = [
        "digraph {",
        "  graph [label=%s, labelloc=t, fontname=Arial, ranksep=0.25];" % dot_string(title),
        '  node [fontname=Arial, shape=box, style=filled, fontcolor=white, width=0, height=0];',
        "  edge [fontname=Arial];",
    ]
    if total <= 0:
        lines.append("}")
        return "\n".join(lines) + "\n"
    kept = set()
    for i, f in enumerate(tables.functions):
        weight = f["ct"] / total
        if weight < node_threshold:
            continue
        kept.add(i)
        label = "%s\n%.2f ms  %.2f%%\n(self %.2f ms  %.2f%%)\n%s" % (
            function_title(f), f["ct"] * 1000, weight * 100, f["tt"] * 1000,
            f["tt"] / total * 100, _calls(f["cc"], f["nc"]))
        shade = colour(weight)
        lines.append('  n%d [label=%s, color="%s", fillcolor="%s", fontsize=%.2f];' % (
            i, dot_string(label), shade, shade, max(10.0, 14.0 * (0.5 + weight))))
    for caller, callee, cc, nc, _tt, ct in tables.edges:
        weight = ct / total
        if weight < edge_threshold or caller not in kept or callee not in kept:
            continue
        shade = colour(weight)
        width = pen_width(weight)
        lines.append('  n%d -> n%d [label="%.2f%%\\n%s", color="%s", fontcolor="%s", penwidth=%.2f, arrowsize=%.2f];' % (
            caller, callee, weight * 100, _calls(cc, nc), shade, shade, width, max(0.35, width / 4)))
    lines.append("}")
    return "\n".join(lines) + "\n"
