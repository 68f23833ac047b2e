"""One request's sampled stacks: every distinct stack seen, with the wall time, CPU
time and number of samples it stood for.

A stack is a tuple of (code, line) pairs from the request's entry point (the first
frame above the middleware) to the frame that was running, plus its kind: the request
was running it, awaiting at it (asyncio), or awaiting work it handed to a thread pool
that was running it in a worker thread (thread_pools.py). Keys hold code objects, not labels, so a
sample costs a tuple and a dict lookup; labels are made once, in tables().

Bounded: a request that produces more distinct stacks than max_stacks (a long request
with deep, varied recursion) keeps counting its time, in the stacks it has, plus an
"overflow" total that the profile reports instead of growing without end.
"""

from typing import Any, Dict, List, Optional, Tuple

Frame = Tuple[Any, int]  # (code object, line being executed)

# What the request was doing in a sample. Awaiting is 1 so that a bool says running or
# awaiting. Pooled: its coroutine awaited work of its own that a worker thread was running
# (the stack goes from the await into the worker's frames); written as a running stack,
# and kept out of the step driver's rescaling (its time was measured by the samples).
RUNNING, AWAITING, POOLED = 0, 1, 2
KINDS = (RUNNING, AWAITING, POOLED)
StackKey = Tuple[Tuple[Frame, ...], int]  # (frames root to leaf, kind)

# A code object's label, as cProfile's tables name functions (stats.py): file, first
# line, name; qualname where the interpreter has it (3.11+).
Label = Tuple[str, int, str]

DEFAULT_MAX_STACKS = 50_000

UNATTRIBUTED = object()


class StackTotals:
    __slots__ = ("wall", "cpu", "samples")

    def __init__(self) -> None:
        self.wall = 0.0
        self.cpu = 0.0
        self.samples = 0


class SampledTables:
    """The format's shape of sampled stacks: functions (file, line, name, qualname) and
    stacks as [frames, lines, awaiting, wallSeconds, cpuSeconds, samples], frames being
    function indices root to leaf and lines the line each frame was at."""

    def __init__(self, functions: List[Dict[str, Any]], stacks: List[List[Any]]) -> None:
        self.functions = functions
        self.stacks = stacks


class StackTable:
    def __init__(self, max_stacks: int = DEFAULT_MAX_STACKS) -> None:
        self._stacks: Dict[StackKey, StackTotals] = {}
        self._max_stacks = max_stacks
        self.samples = 0
        self.wall = 0.0
        self.cpu = 0.0
        # Time of samples whose stack was new once the table was full.
        self.overflow_wall = 0.0
        self.overflow_samples = 0
        # Samples taken while the request's thread ran none of its own frames, or its
        # frames were too deep to walk to the entry point (sampler.py says when).
        self.unattributed_wall = 0.0
        self.unattributed_samples = 0
        # Wall time of the samples of each kind, overflow included.
        self.wall_by_kind = {kind: 0.0 for kind in KINDS}
        self.overflow_by_kind = {kind: 0.0 for kind in KINDS}
        # Where the previous sample of this stretch went: a stack's totals and its kind,
        # UNATTRIBUTED, or None (none yet, or it overflowed).
        self._previous: Any = None

    def end_stretch(self, tail: float) -> None:
        """A stretch ended tail seconds after its last sample: the previous stack gets half,
        as between two samples (the app's frames are gone by now; where it moved in the
        tail is unknown); the other half is in no stack."""
        previous = self._previous
        if previous is not None and previous is not UNATTRIBUTED and tail > 0:
            totals, kind = previous
            totals.wall += tail / 2
            self.wall_by_kind[kind] += tail / 2
            self.wall += tail / 2
        self._previous = None

    def new_stretch(self) -> None:
        """The next sample follows a pause: it has no previous one to share its time with."""
        self._previous = None

    def _share_with_previous(self, wall: float, cpu: float) -> Tuple[float, float]:
        """A sample stands for the time since the previous one, and where the thread went
        from the previous stack to this one in between is unknown: half the time goes to
        each (the middle is the unbiased guess; giving it all to this one would move every
        boundary between two phases by a whole gap, which a starved sampler makes long)."""
        previous = self._previous
        if previous is None:
            return wall, cpu
        half_wall = wall / 2
        if previous is UNATTRIBUTED:
            self.unattributed_wall += half_wall
            return wall - half_wall, cpu
        totals, kind = previous
        totals.wall += half_wall
        self.wall_by_kind[kind] += half_wall
        # CPU time is the sampled thread's: an awaiting request used none of it.
        half_cpu = 0.0 if kind == AWAITING else cpu / 2
        totals.cpu += half_cpu
        return wall - half_wall, cpu - half_cpu

    def add(self, frames: Tuple[Frame, ...], awaiting: bool, wall: float, cpu: float, pooled: bool = False) -> None:
        """One sample: running (cpu: the thread's CPU time meanwhile), awaiting, or pooled
        (the request awaited a worker thread that ran frames' end: cpu is the worker's)."""
        kind = POOLED if pooled else AWAITING if awaiting else RUNNING
        self.samples += 1
        self.wall += wall
        self.cpu += cpu
        wall, cpu = self._share_with_previous(wall, cpu)
        self.wall_by_kind[kind] += wall
        key = (frames, kind)
        totals = self._stacks.get(key)
        if totals is None:
            if len(self._stacks) >= self._max_stacks:
                self.overflow_wall += wall
                self.overflow_by_kind[kind] += wall
                self.overflow_samples += 1
                self._previous = None
                return
            totals = self._stacks[key] = StackTotals()
        totals.wall += wall
        totals.cpu += cpu
        totals.samples += 1
        self._previous = (totals, kind)

    def add_unattributed(self, wall: float) -> None:
        self.samples += 1
        self.wall += wall
        wall, _ = self._share_with_previous(wall, 0.0)
        self.unattributed_wall += wall
        self.unattributed_samples += 1
        self._previous = UNATTRIBUTED

    def rescale(self, running: float, awaiting: float) -> None:
        """Makes the running stacks add up to running seconds and the awaiting ones to
        awaiting seconds, each stack keeping its share of its kind. A kind with time
        but no sample is unattributed time; unattributed samples (none under a step
        driver) are dropped, their time being in one of the two. Pooled stacks keep
        their sampled time, taken out of the awaiting seconds (the request awaited the
        worker meanwhile), at most all of it."""
        pooled = min(self.wall_by_kind[POOLED], awaiting)
        targets = {RUNNING: running, AWAITING: awaiting - pooled, POOLED: pooled}
        factors: Dict[int, float] = {}
        self.unattributed_wall = 0.0
        for kind, target in targets.items():
            sampled = self.wall_by_kind[kind]
            if sampled > 0:
                factors[kind] = target / sampled
            else:
                factors[kind] = 0.0
                self.unattributed_wall += target
            self.overflow_by_kind[kind] *= factors[kind]
            self.wall_by_kind[kind] = target if sampled > 0 else 0.0
        for (_, kind), totals in self._stacks.items():
            totals.wall *= factors[kind]
        self.overflow_wall = sum(self.overflow_by_kind.values())
        self.wall = running + awaiting

    def distinct_stacks(self) -> int:
        return len(self._stacks)

    def tables(self) -> SampledTables:
        """Functions indexed in order of first appearance, stacks heaviest first."""
        index: Dict[Label, int] = {}
        functions: List[Dict[str, Any]] = []

        def slot(code: Any) -> int:
            label = _label(code)
            i = index.get(label)
            if i is None:
                i = index[label] = len(functions)
                functions.append({"file": label[0], "line": label[1], "name": label[2],
                                  "qualname": _qualname(code)})
            return i

        stacks: List[List[Any]] = []
        for (frames, kind), totals in sorted(self._stacks.items(), key=lambda item: -item[1].wall):
            stacks.append([[slot(code) for code, _ in frames], [line for _, line in frames], kind == AWAITING,
                           totals.wall, totals.cpu, totals.samples])
        return SampledTables(functions, stacks)


def _label(code: Any) -> Label:
    return (code.co_filename, code.co_firstlineno, code.co_name)


def _qualname(code: Any) -> Optional[str]:
    return getattr(code, "co_qualname", None)
