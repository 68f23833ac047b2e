"""A Graphviz call graph of one profile, after gprof2dot's conventions: node weight is
cumulative time over the request's profiled time, edge weight the callee's
cumulative time from that caller over the same total; small nodes and edges are
pruned; colours run from hot red to cold blue.

The extension builds its own graph from the profile (src/core/callGraph.ts) and its
tests compare it with this file: the same functions drawn (thresholds, then at most
MAX_NODES, costliest first), the same calls, and the same hot path (hot_path.py),
marked class="hot" on its nodes and edges (the class reaches Graphviz's SVG)."""

import colorsys
import functools
import os
import re
from typing import Any, Dict, List

from .hot_path import find_hot_path
from .stats import ProfileTables

# (hue, saturation, lightness): gprof2dot's default colour map, gamma 1.
COLD = (2.0 / 3.0, 0.80, 0.25)
HOT = (0.0, 1.00, 0.50)

# Thresholds alone do not bound the graph (cumulative times overlap, so a deep profile
# has hundreds of functions above 0.5 %); the extension draws at most this many too.
MAX_NODES = 100

# The hot path stands out by a thicker pen (the extension also adds 2 to its edges).
HOT_NODE_PEN_WIDTH = 3
HOT_EDGE_EXTRA_WIDTH = 2

# Also what UTF-8 cannot carry (lone surrogates: a non-UTF-8 file name or request byte
# decoded with surrogateescape) and the noncharacters U+FFFE/U+FFFF, which break
# Graphviz's SVG: shown as U+FFFD, so one odd name never costs the graph or the profile.
_NEEDS_ESCAPE = re.compile('[\\\\"\x00-\x1f\x7f&\ud800-\udfff\ufffe\uffff]')
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_ENTITY_START = re.compile(r"&(?=#?[A-Za-z0-9]+;)")


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
    """A DOT double-quoted string Graphviz shows as exactly `text` (the same rules as the
    extension's dotString): backslash and quote escaped; line breaks become DOT's centred
    \\n; a tab becomes a space (DOT has no tab escape: "\\t" shows as "t"); other control
    characters, which a label cannot show, and what UTF-8 or Graphviz cannot carry (lone
    surrogates, U+FFFE, U+FFFF) become U+FFFD; an "&" that would start an
    HTML entity ("&lt;") becomes "&amp;", so the entity's text is shown."""
    if not _NEEDS_ESCAPE.search(text):
        return '"%s"' % text
    escaped = _LINE_BREAK.sub("\\\\n", text.replace("\\", "\\\\").replace('"', '\\"'))
    escaped = _CONTROL.sub("\ufffd", escaped.replace("\t", " "))
    return '"%s"' % _ENTITY_START.sub("&amp;", escaped)


def function_title(function: Dict[str, Any]) -> str:
    name = function.get("qualname") or function["name"]
    if function["file"] == "~":
        return name
    module = os.path.splitext(os.path.basename(function["file"]))[0]
    return "%s:%d:%s" % (module, function["line"], name)


def _calls(cc: int, nc: int) -> str:
    return "%d\u00d7" % nc if cc == nc else "%d/%d\u00d7" % (nc, cc)


def drawn_functions(tables: ProfileTables, total: float, node_threshold: float, max_nodes: int) -> List[bool]:
    """Functions at or above the threshold, then only the max_nodes costliest of them
    (ties: lower index); 0 means no limit."""
    drawn = [total > 0 and f["ct"] / total >= node_threshold for f in tables.functions]
    candidates = [i for i, keep in enumerate(drawn) if keep]
    if max_nodes and len(candidates) > max_nodes:
        candidates.sort(key=lambda i: (-tables.functions[i]["ct"], i))
        for i in candidates[max_nodes:]:
            drawn[i] = False
    return drawn


def render(tables: ProfileTables, title: str, node_threshold: float = 0.005,
           edge_threshold: float = 0.001, max_nodes: int = MAX_NODES) -> str:
    roots = tables.roots()
    total = sum(tables.functions[i]["ct"] for i in roots)
    if not total > 0:  # as the extension does: weigh against the costliest function
        total = max((f["ct"] for f in tables.functions), default=0.0)
    lines: List[str] = [
        "digraph {",
        "  graph [label=%s, labelloc=t, fontname=Arial, ranksep=0.25];" % dot_string(title),
        '  node [fontname=Arial, shape=box, style=filled, fontcolor=white, width=0, height=0];',
        "  edge [fontname=Arial];",
    ]
    if total <= 0:
        lines.append("}")
        return "\n".join(lines) + "\n"
    drawn = drawn_functions(tables, total, node_threshold, max_nodes)
    edge_drawn: List[bool] = [drawn[caller] and drawn[callee] and ct / total >= edge_threshold
                  for caller, callee, _cc, _nc, _tt, ct in tables.edges]
    hot_functions, hot_edges = find_hot_path(tables.functions, tables.edges, roots,
                                             drawn.__getitem__, edge_drawn.__getitem__)
    hot_function_set, hot_edge_set = set(hot_functions), set(hot_edges)
    for i, f in enumerate(tables.functions):
        if not drawn[i]:
            continue
        weight = f["ct"] / total
        label = "%s\n%.2f ms  %.2f%%\n(self %.2f ms  %.2f%%)\n%s" % (
            function_title(f), f["ct"] * 1000, weight * 100, f["tt"] * 1000,
            f["tt"] / total * 100, _calls(f["cc"], f["nc"]))
        shade = colour(weight)
        hot = ', penwidth=%d, class="hot"' % HOT_NODE_PEN_WIDTH if i in hot_function_set else ""
        lines.append('  n%d [label=%s, color="%s", fillcolor="%s", fontsize=%.2f%s];' % (
            i, dot_string(label), shade, shade, max(10.0, 14.0 * (0.5 + weight)), hot))
    for e, (caller, callee, cc, nc, _tt, ct) in enumerate(tables.edges):
        if not edge_drawn[e]:
            continue
        weight = ct / total
        shade = colour(weight)
        width = pen_width(weight)
        hot = ""
        if e in hot_edge_set:
            width += HOT_EDGE_EXTRA_WIDTH
            hot = ', class="hot"'
        lines.append('  n%d -> n%d [label="%.2f%%\\n%s", color="%s", fontcolor="%s", penwidth=%.2f, arrowsize=%.2f%s];' % (
            caller, callee, weight * 100, _calls(cc, nc), shade, shade, width, max(0.35, width / 4), hot))
    lines.append("}")
    return "\n".join(lines) + "\n"
