"""The sampling engine's core (request_profiler/sampling): which request a stack belongs
to, where an awaiting request waits, and the shares of time it reports.

Deterministic tests drive Sampler.sample_once themselves (no sampler thread) on threads
parked at known lines; the share tests run the real sampler thread against handlers
that spend known shares of wall time (spinning on the clock, so that a busy machine
changes how much CPU they get but not the wall-time shares the samples measure)."""

import asyncio
import sys
import threading
import time
import unittest
from typing import Any, Dict, List, Optional, Sequence, Tuple

from tests import support  # noqa: F401  (puts the package on sys.path)
from tests.known_shares import Phases, compute, judgeable_run, spin, take_both_paths

from request_profiler.sampling import Sampler
from request_profiler.sampling.frames import TRUNCATED, awaiting_stack


def names(stack_row: List[Any], functions: List[Dict[str, Any]]) -> List[str]:
    return [functions[i]["name"] for i in stack_row[0]]


class ParkedThread:
    """A thread serving one "request": it enters entry(), which calls down to a function
    that waits on an event, so its stack is known while a test samples it."""

    def __init__(self, sampler: Sampler, leaf: str) -> None:
        self.sampler = sampler
        self.leaf = leaf
        self.parked = threading.Event()
        self.release = threading.Event()
        self.recording: Any = None
        self.thread = threading.Thread(target=self.entry)

    def entry(self) -> None:
        self.recording = self.sampler.begin(sys._getframe())
        getattr(self, self.leaf)()

    def handler_one(self) -> None:
        self.wait_here()

    def handler_two(self) -> None:
        self.wait_here()

    def wait_here(self) -> None:
        self.parked.set()
        self.release.wait(10)

    def __enter__(self) -> "ParkedThread":
        self.thread.start()
        assert self.parked.wait(10)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.release.set()
        self.thread.join(10)


class ThreadAttributionTest(unittest.TestCase):
    def test_each_thread_s_stack_goes_to_its_own_request_from_above_its_entry_frame(self) -> None:
        sampler = Sampler(start_thread=False)
        with ParkedThread(sampler, "handler_one") as one, ParkedThread(sampler, "handler_two") as two:
            for _ in range(3):
                sampler.sample_once()
            results = [sampler.finish(one.recording), sampler.finish(two.recording)]
        for result, handler in zip(results, ["handler_one", "handler_two"]):
            tables = result.table.tables()
            self.assertEqual(result.table.samples, 3)
            self.assertEqual(len(tables.stacks), 1, tables.stacks)
            stack = tables.stacks[0]
            # threading.Event.wait calls Condition.wait: both are Python frames.
            self.assertEqual(names(stack, tables.functions)[:3], [handler, "wait_here", "wait"])
            self.assertFalse(stack[2], "a thread's stack is running, not awaiting")
            self.assertEqual(stack[5], 3)
            # The line each frame was at: the call below it.
            wait_line = tables.functions[stack[0][1]]["line"]
            self.assertGreater(stack[1][1], wait_line)

    def test_a_stack_deeper_than_the_limit_keeps_its_leaf_end_behind_a_marker(self) -> None:
        sampler = Sampler(max_depth=50, start_thread=False)
        parked = threading.Event()
        release = threading.Event()
        box: Dict[str, Any] = {}

        def recurse(n: int) -> None:
            if n:
                recurse(n - 1)
            else:
                parked.set()
                release.wait(10)

        def entry() -> None:
            box["recording"] = sampler.begin(sys._getframe())
            recurse(200)

        thread = threading.Thread(target=entry)
        thread.start()
        try:
            self.assertTrue(parked.wait(10))
            sampler.sample_once()
        finally:
            release.set()
            thread.join(10)
        tables = sampler.finish(box["recording"]).table.tables()
        stack = tables.stacks[0]
        self.assertEqual(len(stack[0]), 51)
        first = tables.functions[stack[0][0]]
        self.assertEqual((first["file"], first["name"]), (TRUNCATED.co_filename, TRUNCATED.co_name))
        self.assertEqual(names(stack, tables.functions)[-1], "wait")

    def test_a_thread_outside_its_entry_frame_counts_as_unattributed_time(self) -> None:
        sampler = Sampler(start_thread=False)
        with ParkedThread(sampler, "handler_one") as one:
            one.recording.set_root(None)  # between stretches of app code
            sampler.sample_once()
            result = sampler.finish(one.recording)
        self.assertEqual(result.table.samples, 1)
        self.assertEqual(result.table.unattributed_samples, 1)
        self.assertEqual(result.table.tables().stacks, [])

    def test_a_stack_starting_in_the_middleware_s_own_code_is_not_the_app_s(self) -> None:
        sampler = Sampler(start_thread=False)
        with ParkedThread(sampler, "handler_one") as one:
            # As when a sample falls while the middleware begins or ends a stretch.
            one.recording.own_codes.add(ParkedThread.handler_one.__code__)
            sampler.sample_once()
            result = sampler.finish(one.recording)
        self.assertEqual(result.table.unattributed_samples, 1)
        self.assertEqual(result.table.tables().stacks, [])

    def test_other_threads_stacks_are_read_with_the_garbage_collector_off_and_it_is_put_back(self) -> None:
        # python/cpython#106883: a collection started inside sys._current_frames() can
        # deadlock the process (sampler.current_frames says how).
        import gc
        from unittest import mock
        seen = []

        def current_frames() -> Dict[int, Any]:
            seen.append(gc.isenabled())
            return real()

        class Clock:
            def __call__(self) -> float:  # read under the sampler's lock
                seen.append(gc.isenabled())
                return time.perf_counter()

        real = sys._current_frames
        sampler = Sampler(start_thread=False)
        self.assertTrue(gc.isenabled())
        with ParkedThread(sampler, "handler_one") as one, mock.patch.object(sys, "_current_frames", current_frames):
            sampler._clock = Clock()
            seen.clear()
            sampler.sample_once()
            gc.disable()
            try:
                sampler.sample_once()
                self.assertFalse(gc.isenabled(), "an app's choice to keep it off is kept")
            finally:
                gc.enable()
            sampler._clock = time.perf_counter
            sampler.finish(one.recording)
        self.assertEqual(seen, [False] * 4)
        self.assertTrue(gc.isenabled())

    def test_a_full_stack_table_keeps_counting_time_and_the_profile_says_so(self) -> None:
        sampler = Sampler(start_thread=False, max_stacks=1)
        with ParkedThread(sampler, "handler_one") as one:
            sampler.sample_once()
            # A root one frame further down: the same thread's stack, now with entry() in it.
            one.recording.set_root(one.recording.root.f_back)
            sampler.sample_once()
            result = sampler.finish(one.recording)
        self.assertEqual(result.table.distinct_stacks(), 1)
        self.assertEqual(result.table.overflow_samples, 1)
        self.assertGreater(result.stats()["overflowMs"], 0)
        self.assertTrue(any("more distinct stacks than the table holds" in n for n in result.notes()), result.notes())

    def test_sampling_stops_at_finish_and_each_sample_weighs_the_time_since_the_last(self) -> None:
        now = [100.0]
        sampler = Sampler(start_thread=False, clock=lambda: now[0])
        with ParkedThread(sampler, "handler_one") as one:
            now[0] = 100.5
            sampler.sample_once()
            now[0] = 102.0
            sampler.sample_once()
            now[0] = 102.25
            result = sampler.finish(one.recording)
            sampler.sample_once()
        self.assertEqual(result.table.samples, 2)
        # The 0.25 s after the last sample: half goes to the last stack, as between samples.
        self.assertAlmostEqual(result.table.wall, 2.125)
        self.assertAlmostEqual(result.wall_seconds, 2.25)
        self.assertAlmostEqual(result.unsampled_tail_seconds, 0.25)
        self.assertAlmostEqual(result.max_gap_s, 1.5)

    def test_the_switch_interval_is_lowered_while_recording_and_put_back(self) -> None:
        before = sys.getswitchinterval()
        sampler = Sampler(start_thread=False, switch_interval_s=0.001)
        with ParkedThread(sampler, "handler_one") as one:
            self.assertAlmostEqual(sys.getswitchinterval(), 0.001)
            sampler.finish(one.recording)
        self.assertAlmostEqual(sys.getswitchinterval(), before)


class AwaitingStackTest(unittest.TestCase):
    def test_a_suspended_chain_names_each_await_from_the_entry_coroutine_down(self) -> None:
        seen: Dict[str, Any] = {}

        async def inner() -> None:
            await asyncio.sleep(0.05)

        async def middle() -> None:
            await inner()

        async def entry() -> None:
            seen["root"] = sys._getframe()
            await middle()

        async def outer() -> None:
            await entry()

        async def main() -> None:
            task = asyncio.ensure_future(outer())
            await asyncio.sleep(0.01)
            seen["stack"] = awaiting_stack(task.get_coro(), seen["root"])
            await task

        asyncio.run(main())
        stack = seen["stack"]
        self.assertEqual([code.co_name for code, _ in stack], ["middle", "inner", "sleep"])
        self.assertNotIn("entry", [code.co_name for code, _ in stack])

    def test_a_chain_without_the_entry_frame_is_not_this_request_s(self) -> None:
        async def other() -> None:
            await asyncio.sleep(0.01)

        async def main() -> Any:
            task = asyncio.ensure_future(other())
            await asyncio.sleep(0)
            result = awaiting_stack(task.get_coro(), sys._getframe())
            await task
            return result

        self.assertIsNone(asyncio.run(main()))


class ShareTest(unittest.TestCase):
    """The real sampler thread against handlers whose phases are timed as they run."""

    # Fewer samples than this estimate no share: three standard errors of a 30 % share
    # from 15 samples are already 35 points.
    MIN_SAMPLES = 15

    def too_few_samples(self, name: str, result: Any, leaves: Sequence[str]) -> Optional[str]:
        """Why this request's samples cannot be judged, if they cannot: shares divide by
        the sampled time, CPU ratios by the sampled time of each of `leaves`. A machine that
        gave the sampler thread (almost) no time leaves them at zero; under load that was
        seen once, and the test died of a ZeroDivisionError instead of saying so."""
        if result.table.samples < self.MIN_SAMPLES or result.table.wall <= 0:
            return "request %s: %d samples covering %.1f ms of its %.1f ms; at least %d are needed to " \
                   "estimate shares" % (name, result.table.samples, result.table.wall * 1000,
                                        result.wall_seconds * 1000, self.MIN_SAMPLES)
        tables = result.table.tables()
        for leaf in leaves:
            if not sum(s[3] for s in tables.stacks if s[0] and tables.functions[s[0][-1]]["name"] == leaf) > 0:
                return "request %s: no sampled time with %s as the leaf, to compare its CPU with" % (name, leaf)
        return None

    def sampled_shares(self, result: Any) -> Dict[str, float]:
        """Share of the request's sampled time per function (once per stack, however often
        it recurs in it), and per "name:self" (the function as the leaf)."""
        tables = result.table.tables()
        by_function: Dict[str, float] = {}
        for stack in tables.stacks:
            leaf = tables.functions[stack[0][-1]]["name"] + ":self" if stack[0] else "?"
            by_function[leaf] = by_function.get(leaf, 0.0) + stack[3]
            for name in {tables.functions[i]["name"] for i in stack[0]}:
                by_function[name] = by_function.get(name, 0.0) + stack[3]
        return {name: seconds / result.table.wall for name, seconds in by_function.items()}

    def assert_shares(self, result: Any, expected: Dict[str, float]) -> None:
        """Within three standard errors of a share estimated from this many samples (never
        tighter than 10 points), widened by what a starved sampler can misplace: each sample
        weighs the time since the previous one, so one gap of g seconds can move g / wall of
        a share, and the unsampled end of the request is in the truth but not in the
        samples. On a quiet machine that adds about 3 points; under a load of 10 on 2 cores,
        gaps of 50-130 ms were seen, and the message shows them."""
        sampled = self.sampled_shares(result)
        samples = result.table.samples
        starvation = (2 * result.max_gap_s + result.unsampled_tail_seconds) / result.wall_seconds
        for name, truth in expected.items():
            tolerance = max(0.10, 3 * (truth * (1 - truth) / samples) ** 0.5) + starvation
            got = sampled.get(name, 0.0)
            self.assertLess(abs(got - truth), tolerance, "%s: %.1f %% of %d samples, truth %.1f %% (%r; %r)" % (
                name, got * 100, samples, truth * 100, {k: round(v * 100, 1) for k, v in sampled.items()},
                result.stats()))

    def test_threads_sampled_at_once_each_see_their_own_shares(self) -> None:
        sampler = Sampler(interval_s=0.001, switch_interval_s=0.001)
        results: Dict[str, Any] = {}
        phases: Dict[str, Phases] = {}

        def handler_a(timing: Phases) -> None:
            # About 50 % computing, 30 % sleeping, 20 % in a helper reached by two stacks.
            compute(0.20)
            timing.close("compute")
            time.sleep(0.12)
            timing.close("handler_a:self")  # time.sleep is C code: the time shows on the calling line
            take_both_paths(timing, 0.04)

        def handler_b(timing: Phases) -> None:
            time.sleep(0.30)
            timing.close("handler_b:self")
            compute(0.10)
            timing.close("compute")

        def serve(name: str, handler: Any) -> None:
            recording = sampler.begin(sys._getframe())
            timing = phases[name] = Phases()
            handler(timing)
            results[name] = sampler.finish(recording)

        def serve_four_at_once() -> None:
            results.clear()
            phases.clear()
            threads = [threading.Thread(target=serve, args=("a%d" % i, handler_a)) for i in range(2)]
            threads += [threading.Thread(target=serve, args=("b%d" % i, handler_b)) for i in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(30)
            self.assertEqual(sorted(results), ["a0", "a1", "b0", "b1"])
            for name, result in results.items():
                # Every run, however few its samples: none of one request in another's profile.
                other = "handler_b" if name.startswith("a") else "handler_a"
                self.assertNotIn(other, {f["name"] for f in result.table.tables().functions}, name)

        def unmeasured() -> List[str]:
            # Sleeping and computing as leaves, where CPU clocks exist, for the CPU ratios below.
            return [reason for reason in (
                self.too_few_samples(name, result, (handler_of(name), "spin") if result.cpu_clock else ())
                for name, result in sorted(results.items())) if reason]

        def handler_of(name: str) -> str:
            return "handler_a" if name.startswith("a") else "handler_b"

        # A run in which the OS starved the sampler thread measured (almost) nothing: run
        # again, up to three times, and judge the first run whose every request has samples
        # enough; the shares and ratios checked on it are the same.
        _, reasons = judgeable_run(serve_four_at_once, lambda _: unmeasured())
        if reasons:
            self.fail("three runs in a row, the machine gave the sampler thread (almost) no time: %s (%r)" % (
                "; ".join(reasons), {name: result.stats() for name, result in sorted(results.items())}))
        for name, result in results.items():
            tables = result.table.tables()
            self.assert_shares(result, phases[name].shares())
            if result.cpu_clock:
                # Sleeping shows wall time and (almost) no CPU; computing, CPU for as much of its
                # wall time as the machine gave the thread. A sample's CPU covers the time since
                # the previous one, so the first sample of a sleep may carry some computing.
                sleeping = [s for s in tables.stacks if s[0] and tables.functions[s[0][-1]]["name"] == handler_of(name)]
                computing = [s for s in tables.stacks if s[0] and tables.functions[s[0][-1]]["name"] == "spin"]
                sleep_ratio = sum(s[4] for s in sleeping) / sum(s[3] for s in sleeping)
                compute_ratio = sum(s[4] for s in computing) / sum(s[3] for s in computing)
                self.assertLess(sleep_ratio, compute_ratio / 2, "CPU per wall second: sleeping %.2f, computing %.2f" % (
                    sleep_ratio, compute_ratio))

    def test_concurrent_requests_on_one_event_loop_never_mix(self) -> None:
        # Shares are not checked here: the loop releases the GIL in select() between steps,
        # when no request runs, and a sampler waiting for the GIL gets it there far more
        # often than at random, so the samples' own split reads awaiting far above the
        # truth. The middleware's step driver measures that split exactly instead
        # (sampling/asgi_steps.py); tests/test_sampling_accuracy.py checks its shares.
        sampler = Sampler(interval_s=0.001, switch_interval_s=0.001)
        results: Dict[str, Any] = {}
        phases: Dict[str, Phases] = {}

        async def crunch(seconds: float) -> None:
            # Yields often, as a real handler would, so the other request runs in between;
            # while it does, this request awaits inside crunch, which counts as crunch's time.
            deadline = time.perf_counter() + seconds
            while time.perf_counter() < deadline:
                spin(min(0.005, deadline - time.perf_counter()))
                await asyncio.sleep(0)

        async def handler_a(timing: Phases) -> None:
            await crunch(0.10)
            timing.close("crunch")
            await asyncio.sleep(0.10)
            timing.close("sleep")

        async def handler_b(timing: Phases) -> None:
            await asyncio.sleep(0.05)
            timing.close("sleep")
            await crunch(0.05)
            timing.close("crunch")
            await asyncio.sleep(0.05)
            timing.close("sleep")

        async def serve(name: str, handler: Any) -> None:
            recording = sampler.begin(sys._getframe(), asyncio.current_task())
            timing = phases[name] = Phases()
            await handler(timing)
            results[name] = sampler.finish(recording)

        async def main() -> None:
            await asyncio.gather(serve("a", handler_a), serve("b", handler_b))

        def serve_both() -> None:
            results.clear()
            phases.clear()
            asyncio.run(main())
            for name, other in (("a", "handler_b"), ("b", "handler_a")):
                # Every run, however it was sampled: none of one request in another's profile.
                self.assertNotIn(other, {f["name"] for f in results[name].table.tables().functions}, name)

        def unmeasured() -> List[str]:
            # Both states sampled in each request, for what is checked below. Under load the
            # sampler, which gets the GIL mostly while the loop waits in select(), once took
            # 12 samples of a request, all awaiting (scripts/check.sh, December 2026).
            return ["request %s: no %s sample among %r" % (name, state, tables.stacks)
                    for name, tables in ((name, results[name].table.tables()) for name in ("a", "b"))
                    for state, awaiting in (("running", False), ("awaiting", True))
                    if not any(s[2] == awaiting for s in tables.stacks)]

        # A run in which the machine kept the sampler from one of the states: run again, up to
        # three times, and judge the first run that sampled both; the checks are the same.
        _, reasons = judgeable_run(serve_both, lambda _: unmeasured())
        if reasons:
            self.fail("three runs in a row, a request was not sampled in both states: %s" % "; ".join(reasons))
        for name in ("a", "b"):
            tables = results[name].table.tables()
            awaiting = [s for s in tables.stacks if s[2]]
            for stack in awaiting:
                self.assertEqual(stack[4], 0.0, "awaiting takes no CPU of the request's")
            crunching = [s for s in tables.stacks if "crunch" in {tables.functions[i]["name"] for i in s[0]}]
            self.assertTrue(crunching, "the request's own work is on its stacks")


if __name__ == "__main__":
    unittest.main()
