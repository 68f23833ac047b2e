"""The hot path of a call graph: the chain of calls that holds most of the request's time.

The extension draws the same path (src/core/hotPath.ts), so the rule is the same:
start at the costliest drawn root; from each node on the path take its heaviest drawn
call (largest cumulative time; on a tie the callee with the lower function index) to a
function not yet on the path, and follow it while that call carries more than half of
the node's cumulative time. Self-calls and calls back into the path are skipped, so
recursion and cycles end the walk instead of looping.
"""

from typing import Any, Callable, Dict, List, Sequence, Tuple


def find_hot_path(functions: Sequence[Dict[str, Any]], edges: Sequence[Sequence[float]], roots: Sequence[int],
                  is_drawn: Callable[[int], bool],
                  is_edge_drawn: Callable[[int], bool]) -> Tuple[List[int], List[int]]:
    """Returns (function indices root first, edge indices): edges[i] leads from
    functions[i] to functions[i + 1]. roots must be sorted costliest first."""
    start = next((r for r in roots if is_drawn(r)), None)
    if start is None:
        return [], []
    callees_of: List[List[int]] = [[] for _ in functions]
    for e, edge in enumerate(edges):
        callees_of[int(edge[0])].append(e)
    path: List[int] = [start]
    path_edges: List[int] = []
    on_path = {start}
    node = start
    while True:
        best = -1
        for e in callees_of[node]:
            callee = int(edges[e][1])
            if callee in on_path or not is_edge_drawn(e):
                continue
            if best < 0 or edges[e][5] > edges[best][5] or (
                    edges[e][5] == edges[best][5] and callee < edges[best][1]):
                best = e
        if best < 0 or not edges[best][5] * 2 > functions[node]["ct"]:
            return path, path_edges
        node = int(edges[best][1])
        on_path.add(node)
        path.append(node)
        path_edges.append(best)
