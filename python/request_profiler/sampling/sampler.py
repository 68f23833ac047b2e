"""The sampler thread: every interval it reads the stacks of the threads serving
requests (sys._current_frames()) and adds each to the stack table of the request it
belongs to. Every request of a threaded or async server is sampled at once; nothing
waits for anything.

Which request a stack belongs to: each recording names its entry frame (the frame of
the middleware that calls the app, or the middleware's coroutine frame under asyncio)
and its thread. A thread's running stack belongs to the recording whose entry frame it
passes through; under asyncio, every other recording of the loop's thread is awaiting,
and its task's chain of awaits (frames.awaiting_stack) says where.

Weights: the GIL decides when this thread runs (asking for a short interval gives
gaps several times longer while the app runs pure Python, set by the switch interval;
docs/measurements.md), so each sample
stands for the real time since the recording's previous sample, and each recording
reports the rate it really got. CPU time per sample comes from the sampled thread's own
CPU clock (time.pthread_getcpuclockid, where the platform has it): running on the CPU
and blocked in I/O tell apart by it.

Work an ASGI request hands to a thread pool (a plain `def` endpoint, asyncio.to_thread,
sync_to_async) runs in a worker thread while the request awaits it: a sample of the
request then follows its chain of awaits into the worker's frames, with the worker's CPU
time (thread_pools.py says how the worker's job is tied to its request, and what is not).

Known bias: an event loop releases the GIL in select() between steps, when no request
runs; a sampler waiting for the GIL gets it there far more often than at random, so the
samples' own split reads awaiting well above the truth. The ASGI middleware therefore
measures each request's running and awaiting time exactly at its steps, and the samples
only divide each part among stacks (asgi_steps.py, SamplingResult.divide_exact_times).
A starved sampler (a busy machine, many threads wanting the GIL) takes fewer samples:
each shares its time with the previous one's stack (stack_table.py), and the profile
reports the longest gap. tests/test_sampling_accuracy.py checks the shares.

Deliberately not here: the middleware's wiring (when a request begins and ends) and the
document's shape (stack_table.SampledTables is the format's, document.py writes it).
"""

import contextlib
import gc
import os
import sys
import threading
import time
import weakref
from typing import Any, Callable, Dict, Generator, List, Optional, Set, Tuple

from .frames import DEFAULT_MAX_DEPTH, awaiting_stack, running_stack
from .stack_table import DEFAULT_MAX_STACKS, POOLED, Frame, StackTable
from .thread_pools import IN_WORKER_THREAD, pooled_work

DEFAULT_INTERVAL_S = 0.001

Clock = Callable[[], float]


class Recording:
    """One request being sampled. Created by Sampler.begin on the request's thread."""

    def __init__(self, thread_id: int, root: Any, task: Any, table: StackTable, now: float) -> None:
        self.thread_id = thread_id
        # The entry frame: samples count the frames above it. The middleware may change it
        # between stretches of app code (set_root), or clear it while no app code runs.
        self.root = root
        self.task = task
        # Set by a step driver (asgi_steps.py): the request's own coroutine, whose whole
        # chain of awaits is where it waits while it does not run (root is then its step).
        self.coroutine: Any = None
        # Code of the middleware that can run just above root while a stretch begins or
        # ends: samples that find it there are not the app's.
        self.own_codes: Set[Any] = set()
        self.table = table
        self.begun_at = now
        self.last_sample_at = now
        self.finished_at: Optional[float] = None
        self.max_gap = 0.0
        # Sampled stretches (begin/resume to pause/finish): their total length, and the
        # part of it after each stretch's last sample, too short to have been sampled.
        self.active = True
        self.active_since = now
        self.active_seconds = 0.0
        self.unsampled_seconds = 0.0
        # Samples the sampler thread failed to take while this recording was active.
        self.failures_at_begin = 0
        self.failures = 0
        self.last_failure: Optional[str] = None

    def set_root(self, root: Any) -> None:
        self.root = root

    def close_stretch(self, now: float) -> None:
        if self.active:
            self.active = False
            self.active_seconds += now - self.active_since
            tail = max(0.0, now - self.last_sample_at)
            self.unsampled_seconds += tail
            self.max_gap = max(self.max_gap, tail)
            self.table.end_stretch(tail)


class SamplingResult:
    """What a finished recording holds: its stack table and how the sampling went."""

    def __init__(self, recording: Recording, interval_s: float, cpu_clock: bool) -> None:
        self.table = recording.table
        finished = recording.finished_at if recording.finished_at is not None else recording.last_sample_at
        self.wall_seconds = finished - recording.begun_at
        # Time sampled stretches lasted (the request's wall time when it was never paused).
        self.active_seconds = recording.active_seconds
        # After the last sample of each stretch: too short to have been sampled.
        self.unsampled_tail_seconds = recording.unsampled_seconds
        self.interval_s = interval_s
        self.max_gap_s = recording.max_gap
        self.cpu_clock = cpu_clock
        self.failures = recording.failures
        self.last_failure = recording.last_failure
        # Set by a step driver that timed the request's running and awaiting exactly.
        self.running_seconds: Optional[float] = None
        self.awaiting_seconds: Optional[float] = None

    def notes(self) -> List[str]:
        """What the profile must say about how the sampling went, when it went wrong."""
        notes: List[str] = []
        if self.failures:
            notes.append("sampling: %d sample(s) could not be taken (%s); their time is in the next sample taken"
                         % (self.failures, self.last_failure))
        if self.table.samples == 0:
            notes.append("sampling: no sample was taken (the request lasted %.1f ms, sampled every %g ms); "
                         "its time is in wallMs only" % (self.wall_seconds * 1000, self.interval_s * 1000))
        if self.table.overflow_samples:
            notes.append("sampling: the request had more distinct stacks than the table holds; %.1f ms of samples "
                         "with new stacks are counted in sampling.overflowMs only" % (self.table.overflow_wall * 1000))
        return notes

    def stats(self) -> Dict[str, Any]:
        table = self.table
        rate = table.samples / self.active_seconds if self.active_seconds > 0 else 0.0
        stats = {
            "intervalMs": self.interval_s * 1000,
            "samples": table.samples,
            "rateHz": rate,
            "maxGapMs": self.max_gap_s * 1000,
            "sampledMs": table.wall * 1000,
            "cpuMs": table.cpu * 1000 if self.cpu_clock else None,
            "unsampledTailMs": self.unsampled_tail_seconds * 1000,
            "unattributedMs": table.unattributed_wall * 1000,
            "overflowMs": table.overflow_wall * 1000,
            "distinctStacks": table.distinct_stacks(),
        }
        if self.running_seconds is not None and self.awaiting_seconds is not None:
            stats["runningMs"] = self.running_seconds * 1000
            stats["awaitingMs"] = self.awaiting_seconds * 1000
        return stats

    def divide_exact_times(self, running_seconds: float, awaiting_seconds: float) -> None:
        """Under asyncio the step driver knows exactly how long the request ran and how
        long it awaited; samples then only divide each of the two among its stacks (the
        sampler gets the GIL far more often while the loop waits in select() than at
        random, so the samples' own split is biased; sampler.py)."""
        self.table.rescale(running_seconds, awaiting_seconds)
        # Time in a worker thread was awaiting for the step driver and is running code in
        # the stacks: running stacks (pooled ones too) add up to runningMs.
        pooled = self.table.wall_by_kind[POOLED]
        self.running_seconds = running_seconds + pooled
        self.awaiting_seconds = awaiting_seconds - pooled


class ThreadCpuClocks:
    """Reads other threads' CPU time (time.pthread_getcpuclockid: Linux and most Unixes;
    available is False elsewhere, and every CPU time then reads 0). Each thread's clock id
    is kept while the sampler has recordings and dropped when it has none, so a server that
    starts a thread per request does not grow the table without end."""

    def __init__(self) -> None:
        self._get_clock_id = getattr(time, "pthread_getcpuclockid", None)
        self._clock_ids: Dict[int, int] = {}

    @property
    def available(self) -> bool:
        return self._get_clock_id is not None

    def read(self, thread_id: int) -> Optional[float]:
        if self._get_clock_id is None:
            return None
        try:
            clock_id = self._clock_ids.get(thread_id)
            if clock_id is None:
                clock_id = self._clock_ids[thread_id] = self._get_clock_id(thread_id)
            return time.clock_gettime(clock_id)
        except (OSError, OverflowError, ValueError):  # the thread has ended
            self._clock_ids.pop(thread_id, None)
            return None

    def forget_all(self) -> None:
        self._clock_ids.clear()


@contextlib.contextmanager
def collector_paused() -> Generator[None, None, None]:
    """The garbage collector off for a moment, if it was on (an app that turned it off
    keeps it off). Around sys._current_frames(), which holds the interpreter's
    thread-list lock while it makes frame objects: an allocation there can start a
    collection, whose finalizers may let the GIL go (an sqlite3 statement does), and a
    thread that then takes the GIL and starts or ends a thread waits for that lock
    forever (python/cpython#106883, not fixed in 3.11; seen here on 3.11.7: a threaded
    demo server, sqlite3, a thread per request). And around the sampler's own locked
    work: a finalizer run there (a response body never closed finishes its request)
    would wait for the sampler's lock on the thread that holds it."""
    was_enabled = gc.isenabled()
    if was_enabled:
        gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Sampler:
    """Samples the recordings begun with it from one daemon thread, which runs only while
    there are recordings. switch_interval_s, when given, is set as the interpreter's
    switch interval while any recording runs (the GIL then lets the sampler in more
    often, which makes samples less biased; see sampling-facts) and put back after."""

    def __init__(self, interval_s: float = DEFAULT_INTERVAL_S, max_depth: int = DEFAULT_MAX_DEPTH,
                 max_stacks: int = DEFAULT_MAX_STACKS, switch_interval_s: Optional[float] = None,
                 clock: Clock = time.perf_counter, start_thread: bool = True) -> None:
        if not interval_s > 0:
            raise ValueError("the sampling interval must be a positive number of seconds, not %r" % (interval_s,))
        self.interval_s = interval_s
        self.max_depth = max_depth
        self.max_stacks = max_stacks
        self.switch_interval_s = switch_interval_s
        self._clock = clock
        # False: no sampler thread; whoever holds the sampler calls sample_once (tests).
        self._start_thread = start_thread
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._recordings: List[Recording] = []
        self._thread: Optional[threading.Thread] = None
        self._saved_switch_interval: Optional[float] = None
        self._thread_cpu = ThreadCpuClocks()
        # Each sampled thread's CPU time at its previous sample.
        self._cpu_seen: Dict[int, float] = {}
        # Worker threads running a request's pooled work: whose, and their CPU time then.
        self._pool_cpu_seen: Dict[int, Tuple[int, float]] = {}
        self.ticks = 0
        # Samples that failed (an exception in sample_once): counted into each
        # recording active meanwhile, so its profile says so.
        self.failures = 0
        self.last_failure: Optional[str] = None
        if hasattr(os, "register_at_fork"):
            me = weakref.ref(self)

            def after_fork_in_child() -> None:
                sampler = me()
                if sampler is not None:
                    sampler._after_fork()
            os.register_at_fork(after_in_child=after_fork_in_child)

    def _after_fork(self) -> None:
        """In a forked child (gunicorn's preload, multiprocessing): the sampler thread and
        the threads of the parent's requests do not exist here, and the lock may have been
        held by the sampler thread at the fork. Start clean; the next request starts a thread."""
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._recordings = []
        self._thread = None
        self._cpu_seen.clear()
        self._pool_cpu_seen.clear()
        self._thread_cpu.forget_all()
        saved, self._saved_switch_interval = self._saved_switch_interval, None
        if saved is not None:
            sys.setswitchinterval(saved)

    @property
    def has_cpu_clock(self) -> bool:
        return self._thread_cpu.available

    def begin(self, root: Any, task: Any = None) -> Recording:
        """Starts sampling the calling thread's request, whose frames are those above root.
        task: the asyncio task serving it, when the thread is an event loop's."""
        thread_id = threading.get_ident()
        recording = Recording(thread_id, root, task, StackTable(self.max_stacks), self._clock())
        with self._lock:
            recording.failures_at_begin = self.failures
            self._add(recording)
        return recording

    def _add(self, recording: Recording) -> None:
        """Under the lock: recording joins the sampled ones."""
        thread_id = recording.thread_id
        if not any(r.thread_id == thread_id for r in self._recordings):
            # The thread's CPU time counts from here, not from its previous request.
            self._cpu_seen[thread_id] = time.thread_time()
        if not self._recordings and self.switch_interval_s is not None:
            self._saved_switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(self.switch_interval_s)
        self._recordings.append(recording)
        self._ensure_thread()
        self._wake.notify()

    def _remove(self, recording: Recording, now: float) -> None:
        """Under the lock: recording leaves the sampled ones (its stretch ends at now)."""
        recording.close_stretch(now)
        recording.failures += self.failures - recording.failures_at_begin
        recording.failures_at_begin = self.failures
        if self.last_failure is not None and recording.failures:
            recording.last_failure = self.last_failure
        if recording in self._recordings:
            self._recordings.remove(recording)
        if not self._recordings:
            self._restore_switch_interval()

    def recording_count(self) -> int:
        """Recordings being sampled now (begun or resumed, not paused or finished)."""
        with self._lock:
            return len(self._recordings)

    def pause(self, recording: Recording) -> None:
        """Between stretches of app code (a WSGI body chunk and the next): no samples,
        and no weight for the time until resume."""
        with self._lock:
            self._remove(recording, self._clock())

    def resume(self, recording: Recording, root: Any) -> None:
        """On the request's thread, before its next stretch of app code above root."""
        with self._lock:
            now = self._clock()
            recording.root = root
            recording.last_sample_at = now
            recording.table.new_stretch()
            recording.active = True
            recording.active_since = now
            self._add(recording)

    def finish(self, recording: Recording) -> SamplingResult:
        """Stops sampling the request; its samples so far are its result."""
        with self._lock:
            recording.finished_at = self._clock()
            self._remove(recording, recording.finished_at)
        return SamplingResult(recording, self.interval_s, self.has_cpu_clock)

    def _restore_switch_interval(self) -> None:
        saved = self._saved_switch_interval
        self._saved_switch_interval = None
        # Left alone if someone else changed it meanwhile: theirs wins.
        if saved is not None and sys.getswitchinterval() == self.switch_interval_s:
            sys.setswitchinterval(saved)

    def _ensure_thread(self) -> None:
        if not self._start_thread:
            return
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="request_profiler sampler", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._recordings:
                    self._cpu_seen.clear()
                    self._pool_cpu_seen.clear()
                    self._thread_cpu.forget_all()
                    self._wake.wait()
            time.sleep(self.interval_s)
            try:
                self.sample_once()
            except Exception as exc:  # never let one bad sample stop the sampling of every request
                with self._lock:
                    self.failures += 1
                    self.last_failure = "%s: %s" % (type(exc).__name__, exc)

    def sample_once(self) -> None:
        """Takes one sample of every recording (the sampler thread calls it; tests may too)."""
        with collector_paused():
            # The one way to read other threads' stacks from Python (documented, but
            # underscored as CPython-specific): the sampling engine rests on it.
            top_frames = sys._current_frames()  # pyright: ignore[reportPrivateUsage]
            with self._lock:
                now = self._clock()
                self.ticks += 1
                by_thread: Dict[int, List[Recording]] = {}
                for recording in self._recordings:
                    by_thread.setdefault(recording.thread_id, []).append(recording)
                pools = _PooledWork(top_frames, set(by_thread) | {threading.get_ident()}, self._recordings, self.max_depth)
                for thread_id, recordings in by_thread.items():
                    self._sample_thread(top_frames.get(thread_id), thread_id, recordings, now, pools)
        # Frames keep their locals alive: let go at once, outside the lock (what they
        # free may finish a request, which takes it).
        del top_frames

    def _sample_thread(self, top: Any, thread_id: int, recordings: List[Recording], now: float,
                       pools: "_PooledWork") -> None:
        cpu = self._cpu_since_last(thread_id)
        roots = {id(r.root): r for r in recordings if r.root is not None}
        owner, stack = running_stack(top, roots, self.max_depth) if top is not None and roots else (None, None)
        if owner is None and stack is not None and len(recordings) == 1 and recordings[0].task is None:
            # Too deep to reach the entry frame, on a thread that serves this request only.
            owner = recordings[0]
        for recording in recordings:
            wall = now - recording.last_sample_at
            recording.last_sample_at = now
            if wall > recording.max_gap:
                recording.max_gap = wall
            if recording is owner and stack and stack[0][0] in recording.own_codes:
                # The middleware's own code between stretches (beginning or ending one).
                recording.table.add_unattributed(wall)
            elif recording is owner:
                recording.table.add(stack or (), False, wall, cpu)
            elif recording.task is not None or recording.coroutine is not None:
                waiting = self._awaiting(recording)
                work = pools.of(recording)
                if work:
                    self._add_pooled(recording, waiting or (), work, wall)
                else:
                    recording.table.add(waiting if waiting is not None else (), True, wall, 0.0)
            else:
                recording.table.add_unattributed(wall)

    def _add_pooled(self, recording: Recording, waiting: Tuple[Frame, ...],
                    work: List[Tuple[int, Tuple[Frame, ...]]], wall: float) -> None:
        """The request awaits worker threads running its work: each gets an equal part of
        the sample, its stack the request's chain of awaits, then the worker's frames."""
        share = wall / len(work)
        for worker_id, frames in work:
            cpu = self._pool_cpu_since_last(worker_id, recording)
            recording.table.add(waiting + ((IN_WORKER_THREAD, 0),) + frames, False, share, cpu, pooled=True)

    def _pool_cpu_since_last(self, worker_id: int, recording: Recording) -> float:
        """A worker's CPU time since its previous sample for the same request (a worker
        serves many requests in turn: its first sample for this one counts none)."""
        now = self._thread_cpu.read(worker_id)
        if now is None:
            return 0.0
        before = self._pool_cpu_seen.get(worker_id)
        self._pool_cpu_seen[worker_id] = (id(recording), now)
        return now - before[1] if before is not None and before[0] == id(recording) else 0.0

    def _awaiting(self, recording: Recording) -> Any:
        if recording.coroutine is not None:
            return awaiting_stack(recording.coroutine, None, self.max_depth)
        try:
            coroutine = recording.task.get_coro()
        except Exception:
            return None
        return awaiting_stack(coroutine, recording.root, self.max_depth)

    def _cpu_since_last(self, thread_id: int) -> float:
        now = self._thread_cpu.read(thread_id)
        if now is None:
            return 0.0
        before = self._cpu_seen.get(thread_id)
        self._cpu_seen[thread_id] = now
        return now - before if before is not None else 0.0


class _PooledWork:
    """The worker threads running work of the sampled ASGI requests, looked for once per
    sample and only when a request is found awaiting (thread_pools.py)."""

    def __init__(self, top_frames: Dict[int, Any], skip_threads: Set[int], recordings: List[Recording],
                 max_depth: int) -> None:
        self._top_frames = top_frames
        self._skip = skip_threads
        self._recordings = recordings
        self._max_depth = max_depth
        self._found: Optional[Dict[int, List[Tuple[int, Tuple[Frame, ...]]]]] = None

    def of(self, recording: Recording) -> List[Tuple[int, Tuple[Frame, ...]]]:
        if self._found is None:
            owners = {id(r): r for r in self._recordings if r.task is not None or r.coroutine is not None}
            self._found = pooled_work(self._top_frames, self._skip, owners, self._max_depth)
        return self._found.get(id(recording), [])


_shared_lock = threading.Lock()


# The interpreter's default switch interval (5 ms): a sampler thread gets the GIL about
# that often while the app runs Python, and at hand-offs that line up with what the app
# does (sampling-facts). While requests are sampled, the switch interval is lowered to
# the sampling interval, down to this floor (docs/measurements.md says what it costs).
MIN_SWITCH_INTERVAL_S = 0.0005

_shared: Dict[float, Sampler] = {}


def shared_sampler(interval_s: float = DEFAULT_INTERVAL_S) -> Sampler:
    """The process's sampler for this interval (one thread samples every request of
    every middleware that asks for this interval)."""
    with _shared_lock:
        sampler = _shared.get(interval_s)
        if sampler is None:
            switch = max(interval_s, MIN_SWITCH_INTERVAL_S) if interval_s < sys.getswitchinterval() else None
            sampler = _shared[interval_s] = Sampler(interval_s, switch_interval_s=switch)
        return sampler


def _forget_after_fork() -> None:
    # The sampler thread does not survive a fork (gunicorn's preload): the child starts its own.
    global _shared_lock
    _shared.clear()
    _shared_lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_after_fork)
