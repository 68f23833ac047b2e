"""The background writer: turns records into files off the request path.

A request only puts its record on a bounded queue (never blocking: when the writer
falls behind, the record is dropped and counted). One daemon thread per process
extracts the stats, renders the files and writes each one atomically: a temporary
name in the same directory ('.'-prefixed, '.tmp'-suffixed, created 0600 with
O_EXCL), then a rename. The profile is written first, then its side files (.dot,
.prof): a side file that fails never costs the profile, and a reader (or retention)
that finds a side file without its profile knows it is an orphan.
"""

import atexit
import logging
import os
import queue
import stat
import threading
import time
from typing import Any, Callable, FrozenSet, Optional, Set

from . import document, dotgraph, naming, pstats_file, recording, retention
from .config import Config, ProfileDirError, explain_unusable_dir
from .record import RequestRecord
from .recording import GATE, ProfilingGate, held_still_while_recording
from .redact import Redactor

log = logging.getLogger("request_profiler")

_STOP = object()

# How long, at most, the writer stays out of the way of recordings while writing one
# profile (gate.wait_until_idle) before it writes anyway: a recording is one request's
# work, rarely longer; a process that records back to back (or streams a long
# response) must still get its profiles written.
YIELD_TIMEOUT_S = 0.25

# What a queued record holds in memory, mostly its cProfile.Profile: a base (the record
# and its environ copy) plus a share per distinct function, as measured with tracemalloc
# (docs/measurements.md). Used to keep the queue within queue_max_mb whatever the app's
# profiles weigh.
RECORD_BASE_BYTES = 6 * 1024
BYTES_PER_FUNCTION = 1200


def _writing_code_files() -> FrozenSet[str]:
    """Where the writer may be held still while a request is recorded
    (held_still_while_recording): every source file of this package but the recording
    subpackage's. The writer's work runs in the package (its own steps, and the request
    fields wsgi.py and asgi.py leave to it, RequestRecord.defer_request_fields), where it
    holds no lock the app could need; in recording/ it waits for the gate, whose lock a
    recording needs. Derived rather than listed, so that code the writer comes to run is
    covered (tests/test_writer.py ParkableCodeTest watches what it runs)."""
    package_dir = os.path.dirname(__file__)
    recording_dir = os.path.dirname(recording.__file__)
    files: Set[str] = set()
    for directory, subdirectories, names in os.walk(package_dir):
        if directory == recording_dir:
            subdirectories[:] = []
            continue
        files.update(os.path.join(directory, name) for name in names if name.endswith(".py"))
    return frozenset(files)


class ProfileWriter:
    def __init__(self, config: Config, redactor: Redactor, gate: ProfilingGate = GATE) -> None:
        self.config = config
        self.gate = gate
        self.directory = config.profile_dir
        self.redactor = redactor
        self.written = 0
        self.dropped = 0
        self.offered = 0  # records submitted: queued or dropped
        self._reported = False
        self.failed = 0
        self.retention_interval_s = 1.0
        self._last_retention = 0.0
        self._warned: Set[str] = set()
        self._start_lock = threading.Lock()
        self._pid: Optional[int] = None
        # A SimpleQueue, whose get() waits in C: the idle writer's stack is then three
        # small frames, and on 3.12+ every switch of the profiler re-instruments every
        # thread's stack (four per recorded request). Its bound is kept here: records
        # submitted and not yet written, counted under _pending_lock.
        self._queue: "queue.SimpleQueue[Any]" = queue.SimpleQueue()
        self._pending = 0
        self._pending_lock = threading.Lock()
        # Learnt from each profile written (until then, queue_size alone bounds the queue:
        # the writer takes the first record as soon as it is queued).
        self._record_bytes = 0.0
        self.capacity = config.queue_size
        self._thread: Optional[threading.Thread] = None
        self._dir_checked = False
        atexit.register(self.close, 5.0)

    # -- request side ---------------------------------------------------------
    def submit_if_kept(self, record: RequestRecord) -> bool:
        """A finished request's record: submitted unless the configuration leaves it
        out (unprofiled with record_skipped off, or shorter than min_duration_ms)."""
        if record.profiler is None and not self.config.record_skipped:
            return False
        if record.wall_s * 1000.0 < self.config.min_duration_ms:
            return False
        return self.submit(record)

    def submit(self, record: RequestRecord) -> bool:
        self._ensure_thread()
        dropped = 0
        with self._pending_lock:
            self.offered += 1
            room = self._pending < self.capacity
            if room:
                self._pending += 1
            else:
                self.dropped += 1
                dropped = self.dropped
        if room:
            self._queue.put(record)
            return True
        # Log the 1st, 2nd, 4th, 8th... drop: visible, but never a flood.
        if dropped & (dropped - 1) == 0:
            log.warning("request_profiler: the profile writer is behind; %d profile(s) dropped so far "
                        "(%s)", dropped, self._advice())
        return False

    def _ensure_thread(self) -> None:
        pid = os.getpid()
        if self._pid == pid:
            return
        with self._start_lock:
            if self._pid == pid:
                return
            if self._pid is not None:
                # Forked child: the parent's thread does not exist here, and its queue
                # may hold the parent's records or a lock taken at fork time.
                self._queue = queue.SimpleQueue()
                self._pending = 0
                self._pending_lock = threading.Lock()
                self.dropped = self.offered = 0  # the parent's: each process reports its own at exit
                self._reported = False
            self._thread = threading.Thread(target=self._run, args=(self._queue,),
                                            name="request-profiler-writer", daemon=True)
            self._thread.start()
            self._pid = pid

    # -- lifecycle ------------------------------------------------------------
    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every submitted record is written (or dropped). For tests,
        benchmarks and exit."""
        deadline = time.monotonic() + timeout
        while self._pending:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.002)
        return True

    def close(self, timeout: float = 5.0) -> None:
        """At exit (atexit) or by the owner: write what is queued (for at most timeout
        seconds), stop the thread, and say how many profiles were lost, if any."""
        if self._pid != os.getpid():
            return
        unwritten = 0
        if self._thread is not None and self._thread.is_alive():
            deadline = time.monotonic() + timeout
            self.flush(timeout)
            self._queue.put(_STOP)  # behind whatever is still queued
            self._thread.join(max(0.1, deadline - time.monotonic()))
            unwritten = self._pending
        self._report_losses(unwritten)

    def _report_losses(self, unwritten: int) -> None:
        if self._reported or not (self.dropped or unwritten):
            return
        self._reported = True
        message = "request_profiler: %d of %d profiles dropped (queue full)" % (self.dropped, self.offered)
        if unwritten:
            message += ", %d more still queued at exit and not written" % unwritten
        log.warning("%s; %s", message, self._advice())

    def _advice(self) -> str:
        if self.capacity < self.config.queue_size:
            return ("raise queue_max_mb (now %g, room for %d profiles of this app's size) or sample_every, "
                    "or lower the request rate" % (self.config.queue_max_mb, self.capacity))
        return "raise queue_size (now %d) or sample_every, or lower the request rate" % self.config.queue_size

    def _capacity_for(self, record_bytes: float) -> int:
        by_memory = int(self.config.queue_max_mb * 1024 * 1024 / record_bytes) if self.config.queue_max_mb else 0
        return max(1, min(self.config.queue_size, by_memory or self.config.queue_size))

    def _learn_record_size(self, function_count: int) -> None:
        """In the writer, per profile: a moving average of what a record weighs, and the
        queue's room from it (read without a lock by submit(): one int)."""
        size = RECORD_BASE_BYTES + BYTES_PER_FUNCTION * function_count
        self._record_bytes = size if not self._record_bytes else self._record_bytes + (size - self._record_bytes) * 0.2
        self.capacity = self._capacity_for(max(self._record_bytes, size))

    # -- writer thread --------------------------------------------------------
    def _run(self, jobs: "queue.SimpleQueue[Any]") -> None:
        while True:
            record = jobs.get()
            if record is _STOP:
                return
            try:
                self._handle(record)
            except ProfileDirError as exc:
                self.failed += 1
                self._warn_once("dir", str(exc))
            except Exception as exc:  # the writer must survive anything
                self.failed += 1
                self._warn_once("write:" + type(exc).__name__,
                                "request_profiler: could not write a profile to %r: %s: %s "
                                "(the request itself was served normally)" % (self.directory, type(exc).__name__, exc))
            finally:
                record = None
                with self._pending_lock:
                    self._pending -= 1

    def _handle(self, record: RequestRecord) -> None:
        self._write(record)

    def _yield_to_recording(self, deadline: float) -> None:
        """Between steps: wait while a request is being recorded (3.12+), until deadline
        (one budget per profile), and not at all once the queue is half full, when
        keeping up matters more than what the writer costs a recording."""
        remaining = deadline - time.monotonic()
        if remaining > 0 and not self._behind():
            self.gate.wait_until_idle(remaining)

    def _behind(self) -> bool:
        """In the writer, while it writes a profile: half the queue waits behind it."""
        return (self._pending - 1) * 2 >= self.capacity

    def _write(self, record: RequestRecord) -> None:
        deadline = time.monotonic() + YIELD_TIMEOUT_S
        if self._behind():
            self._write_files(record, deadline)
            return
        with held_still_while_recording(deadline, _WRITING_CODE_FILES):
            self._write_files(record, deadline)

    def _write_files(self, record: RequestRecord, deadline: float) -> None:
        record.complete()
        self._yield_to_recording(deadline)
        header, body, tables = document.build(record, self.redactor, self.config.record_server_environ)
        self._learn_record_size(len(tables.functions))
        stem = header["id"]
        record.profiler = None  # free the profiler's memory early
        self._yield_to_recording(deadline)
        text = document.serialise(header, body)
        self._ensure_directory()
        self._yield_to_recording(deadline)
        # The profile first: it is what matters, and a side file never exists without
        # it (retention removes side files left alone by a writer killed in between).
        write_atomic(self.directory, stem + naming.PROFILE_SUFFIX, text.encode("utf-8"))
        self.written += 1
        if self.config.write_dot and tables.functions:
            self._yield_to_recording(deadline)
            self._write_side_file(stem + naming.DOT_SUFFIX, lambda: dotgraph.render(
                tables, "%s %s  %.1f ms" % (header["method"], header["path"], header["wallMs"]),
                self.config.dot_node_threshold, self.config.dot_edge_threshold).encode("utf-8", "replace"))
        # Not for sampled profiles: pstats readers would take their sample counts for calls.
        if self.config.write_prof and tables.functions and header.get("engine") != "sample":
            self._yield_to_recording(deadline)
            self._write_side_file(stem + naming.PSTATS_SUFFIX, lambda: pstats_file.pstats_bytes(tables))
        self._yield_to_recording(deadline)
        self._enforce_retention()

    def _write_side_file(self, name: str, render: Callable[[], bytes]) -> None:
        """A side file that cannot be made or written is logged (once per kind of
        failure) and costs nothing else: the profile is already on disk."""
        try:
            write_atomic(self.directory, name, render())
        except Exception as exc:
            self.failed += 1
            self._warn_once("side:" + type(exc).__name__,
                            "request_profiler: could not write %r beside its profile: %s: %s"
                            % (os.path.join(self.directory, name), type(exc).__name__, exc))

    def _enforce_retention(self) -> None:
        now = time.monotonic()
        if now - self._last_retention < self.retention_interval_s:
            return
        self._last_retention = now
        retention.enforce(self.directory, self.config.keep_max_files, self.config.keep_max_mb)

    def _ensure_directory(self) -> None:
        if not os.path.isdir(self.directory):
            try:
                os.makedirs(self.directory, mode=0o700, exist_ok=True)
                # makedirs' mode is filtered by the umask; say it explicitly.
                os.chmod(self.directory, 0o700)
            except OSError as exc:
                raise ProfileDirError(explain_unusable_dir(self.directory, exc)) from None
        if not self._dir_checked:
            self._dir_checked = True
            mode = os.stat(self.directory).st_mode
            if mode & (stat.S_IWGRP | stat.S_IWOTH):
                self._warn_once("dir-mode", "request_profiler: profile directory %r is writable by other users "
                                "(mode %o); consider chmod 700" % (self.directory, stat.S_IMODE(mode)))

    def _warn_once(self, key: str, message: str) -> None:
        if key not in self._warned:
            self._warned.add(key)
            log.warning(message)


def write_atomic(directory: str, name: str, data: bytes) -> None:
    final = os.path.join(directory, name)
    temp = os.path.join(directory, naming.temp_name(name))
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        # os.write rather than a file object: every call that lets the GIL go is made
        # from this function, so a trip of the thread watch on waking parks the writer.
        try:
            rest = memoryview(data)
            while rest:
                rest = rest[os.write(fd, rest):]
        finally:
            os.close(fd)
        os.replace(temp, final)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


_WRITING_CODE_FILES = _writing_code_files()
