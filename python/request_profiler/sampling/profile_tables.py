"""A sampled profile's function and edge tables, in the same shape as cProfile's
(stats.ProfileTables), so that every view of version 1 profiles shows them.

Meanings for sampled data (docs/profile-format.md): a function's tt is the wall time of
the samples where it was the leaf (self), ct the wall time of the samples with it
anywhere on the stack (once per stack, however often it recurs there), nc = cc the
number of those samples. An edge [caller, callee, cc, nc, tt, ct] comes from adjacent
frames: the samples with the pair on the stack, the callee's self time under that
caller, and its inclusive time under that caller (once per stack).
"""

from typing import Any, Dict, List, Tuple

from ..stats import ProfileTables
from .stack_table import SampledTables


def function_tables(sampled: SampledTables) -> ProfileTables:
    functions: List[Dict[str, Any]] = [dict(f, cc=0, nc=0, tt=0.0, ct=0.0) for f in sampled.functions]
    edges: Dict[Tuple[int, int], List[Any]] = {}
    for row in sampled.stacks:
        frames: List[int] = row[0]
        wall: float = row[3]
        samples: int = row[5]
        if not frames:
            continue
        leaf = functions[frames[-1]]
        leaf["tt"] += wall
        for index in set(frames):
            function = functions[index]
            function["ct"] += wall
            function["cc"] += samples
            function["nc"] += samples
        pairs = set(zip(frames, frames[1:]))
        for pair in pairs:
            edge = edges.get(pair)
            if edge is None:
                edge = edges[pair] = [pair[0], pair[1], 0, 0, 0.0, 0.0]
            edge[2] += samples
            edge[3] += samples
            edge[5] += wall
        if len(frames) > 1:
            edges[(frames[-2], frames[-1])][4] += wall
    return ProfileTables(functions, sorted(edges.values(), key=lambda e: (e[0], e[1])))
