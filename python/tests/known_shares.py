"""Work with known shares of a request's wall time, for the sampling engine's share tests
(tests/test_sampling.py against the sampler itself, tests/test_sampling_accuracy.py through
the middlewares): functions that compute for a given time, one of them reached by two
different stacks, and the phases of a handler as they really ran, the truth the sampled
shares are checked against.

They spin on the clock rather than count work: how much CPU a busy machine gives them
changes, the wall-time shares the samples measure do not. A busy machine also stretches
phases unevenly, so the truth is each phase timed as it runs, never its nominal duration."""

import time
from typing import Callable, Dict, List, Tuple, TypeVar

T = TypeVar("T")


def spin(seconds: float) -> None:
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        pass


def compute(seconds: float) -> None:
    spin(seconds)


def shared_helper(seconds: float) -> None:
    compute(seconds)


def first_path(seconds: float) -> None:
    shared_helper(seconds)


def second_path(seconds: float) -> None:
    shared_helper(seconds)


class Phases:
    """Real wall time of each phase of one handler, closed as it ends."""

    def __init__(self) -> None:
        self.seconds: Dict[str, float] = {}
        self.began = self._mark = time.perf_counter()

    def close(self, phase: str) -> None:
        now = time.perf_counter()
        self.seconds[phase] = self.seconds.get(phase, 0.0) + now - self._mark
        self._mark = now

    def shares(self) -> Dict[str, float]:
        """Each phase's share of the time from the start to the last close, and, where the
        handler took both paths, the shares a function's inclusive time should give: compute
        runs in first_path and second_path too, and shared_helper is the two together."""
        total = self._mark - self.began
        shares = {phase: seconds / total for phase, seconds in self.seconds.items()}
        if "first_path" in shares and "second_path" in shares:
            shares["shared_helper"] = shares["first_path"] + shares["second_path"]
            shares["compute"] = shares.get("compute", 0.0) + shares["shared_helper"]
        return shares


def take_both_paths(timing: Phases, seconds: float) -> None:
    """shared_helper through first_path, then through second_path, seconds each."""
    first_path(seconds)
    timing.close("first_path")
    second_path(seconds)
    timing.close("second_path")


def judgeable_run(run: Callable[[], T], unjudgeable: Callable[[T], List[str]], attempts: int = 3) -> Tuple[T, List[str]]:
    """Calls run() again while unjudgeable() gives reasons its result cannot be judged (a
    machine busy enough to starve the sampler thread measured too little, or too coarsely),
    at most `attempts` times: the first judgeable result with no reasons, or the last result
    with its reasons. What is judged is the same on every run."""
    result = run()
    reasons = unjudgeable(result)
    for _ in range(attempts - 1):
        if not reasons:
            break
        result = run()
        reasons = unjudgeable(result)
    return result, reasons
