"""Turn a stopped cProfile.Profile into the format's function and edge tables.

We read Profile.getstats() rather than pstats because its entries hold the code
objects themselves, which carry co_qualname on 3.11+ (pstats keeps only the
(file, line, name) label). The numbers follow pstats' conventions exactly:
cc = primitive calls, nc = all calls, tt = own time, ct = cumulative time; an
edge carries the callee's numbers for the calls made from that caller.
"""

from typing import Any, Collection, Dict, List, Optional, Tuple

Label = Tuple[str, int, str]

# The profiler's own disable() call is recorded as the last call of every profile;
# it is measurement noise, not the app's work.
PROFILER_NOISE = {"<method 'disable' of '_lsprof.Profiler' objects>",
                  "<built-in method disable>"}


def _label(code: Any) -> Label:
    if isinstance(code, str):  # built-in functions are recorded by their description
        return ("~", 0, code)
    return (code.co_filename, code.co_firstlineno, code.co_name)


def _qualname(code: Any) -> Optional[str]:
    return getattr(code, "co_qualname", None)


class ProfileTables:
    """functions: list of dicts in the format's shape; edges: [caller, callee, cc, nc, tt, ct]."""

    def __init__(self, functions: List[Dict[str, Any]], edges: List[List[Any]]) -> None:
        self.functions = functions
        self.edges = edges

    def roots(self) -> List[int]:
        """Where the profiled work starts, costliest first (ties: lower index): the
        functions no other function called (a self-recursive function called only by
        itself counts), plus one entry per cycle that no such root reaches (a calls b
        calls a, entered from the unprofiled middleware): the cycle's costliest function,
        whose cumulative time holds the others'. The same rule as the extension's
        src/core/profileModel.ts, so that both weigh a graph against the same total."""
        n = len(self.functions)
        called_by_other = [False] * n
        callees: List[List[int]] = [[] for _ in range(n)]
        for edge in self.edges:
            caller: int = edge[0]
            callee: int = edge[1]
            callees[caller].append(callee)
            if caller != callee:
                called_by_other[callee] = True
        roots = [i for i in range(n) if not called_by_other[i]]
        reached = [False] * n

        def visit_from(start: int) -> None:
            reached[start] = True
            stack = [start]
            while stack:
                for callee in callees[stack.pop()]:
                    if not reached[callee]:
                        reached[callee] = True
                        stack.append(callee)

        for root in roots:
            visit_from(root)
        by_cost = sorted(range(n), key=lambda i: (-self.functions[i]["ct"], i))
        for i in by_cost:
            if not reached[i]:
                roots.append(i)
                visit_from(i)
        roots.sort(key=lambda i: (-self.functions[i]["ct"], i))
        return roots

    def profiled_seconds(self) -> float:
        """Sum of the cumulative times of the roots (see roots())."""
        return sum(self.functions[i]["ct"] for i in self.roots())


def extract(entries: List[Any], own_calls: Collection[Label] = ()) -> ProfileTables:
    """entries: the result of Profile.getstats() on a disabled profiler; own_calls:
    labels of the recorder's own calls, left out like disable()."""
    index: Dict[Label, int] = {}
    functions: List[Dict[str, Any]] = []

    def slot(code: Any) -> Optional[int]:
        label = _label(code)
        if label[2] in PROFILER_NOISE or label in own_calls:
            return None
        i = index.get(label)
        if i is None:
            i = index[label] = len(functions)
            functions.append({"file": label[0], "line": label[1], "name": label[2],
                              "qualname": _qualname(code), "cc": 0, "nc": 0, "tt": 0.0, "ct": 0.0})
        return i

    # Two code objects can share a label (say, a module executed twice); their
    # numbers add up, as in pstats.
    for entry in entries:
        i = slot(entry.code)
        if i is None:
            continue
        f = functions[i]
        f["nc"] += entry.callcount
        f["cc"] += entry.callcount - entry.reccallcount
        f["tt"] += entry.inlinetime
        f["ct"] += entry.totaltime

    edge_index: Dict[Tuple[int, int], List[Any]] = {}
    for entry in entries:
        if not entry.calls:
            continue
        caller = slot(entry.code)
        if caller is None:
            continue
        for sub in entry.calls:
            callee = slot(sub.code)
            if callee is None:
                continue
            edge = edge_index.get((caller, callee))
            if edge is None:
                edge = edge_index[(caller, callee)] = [caller, callee, 0, 0, 0.0, 0.0]
            edge[2] += sub.callcount - sub.reccallcount
            edge[3] += sub.callcount
            edge[4] += sub.inlinetime
            edge[5] += sub.totaltime
    edges = sorted(edge_index.values(), key=lambda e: (e[0], e[1]))
    return ProfileTables(functions, edges)
