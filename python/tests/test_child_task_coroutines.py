"""What the middleware hands to asyncio for a task a profiled request starts must
answer every question a library or debugger asks of a task's coroutine the way the
app's own coroutine would (anyio's cancel scopes hung on an imitation that lacked
cr_running). Each observation is made once with the profiler and once without, and
must agree."""

import asyncio
import collections.abc
import gc
import inspect
import sys
import types
import unittest
import warnings

from request_profiler import ASGIProfilerMiddleware
from request_profiler.child_tasks import profiled_coroutine
from request_profiler.recording import Recording
from request_profiler.steps import StepProfiler

from .deadline import run_with_deadline
from .support import TempDirTestCase, function_names, load, profile_files


def crunch_in_child():
    return sum(i for i in range(20000))


async def sleeper(observed, release):
    observed["state_inside"] = inspect.getcoroutinestate(asyncio.current_task().get_coro())
    crunch_in_child()
    await release.wait()
    return "slept"


async def cleans_up_when_cancelled(observed):
    try:
        await asyncio.sleep(30)
    except asyncio.CancelledError:
        observed["cancel_seen"] = True
        await asyncio.sleep(0)  # a step after the cancellation: the task goes on
        return "swallowed"


async def never_started():
    raise AssertionError("a task cancelled before its first step must not run")


class AwaitableCoroutine(collections.abc.Coroutine):
    """A coroutine that is not a native one (as Cython and other compilers make)."""

    def __init__(self, value):
        self.value = value

    def send(self, value):
        raise StopIteration(self.value)

    def throw(self, *args):
        raise args[0] if isinstance(args[0], BaseException) else args[0]()

    def close(self):
        pass

    def __await__(self):
        return self


@types.coroutine
def generator_based(value):
    yield from asyncio.sleep(0)
    return value


def respond_ok(send):
    return send({"type": "http.response.start", "status": 200, "headers": []})


async def observing_app(scope, receive, send):
    observed = scope["observed"]
    release = asyncio.Event()
    child = asyncio.ensure_future(sleeper(observed, release))
    coroutine = child.get_coro()
    observed["type"] = type(coroutine)
    observed["iscoroutine"] = inspect.iscoroutine(coroutine)
    observed["qualname"] = coroutine.__qualname__
    observed["name"] = coroutine.__name__
    observed["states"] = [inspect.getcoroutinestate(coroutine)]
    await asyncio.sleep(0)  # the child's first step: up to release.wait()
    observed["states"].append(inspect.getcoroutinestate(coroutine))
    observed["repr"] = repr(child)
    observed["suspended_in"] = coroutine.cr_await is not None
    release.set()
    observed["result"] = await child
    observed["states"].append(inspect.getcoroutinestate(coroutine))

    if not scope["eager"]:  # an eager task's first step runs as it is created
        early = asyncio.ensure_future(never_started())
        early.cancel()
        try:
            await early
        except asyncio.CancelledError:
            observed["early_cancelled"] = early.cancelled()

    late = asyncio.ensure_future(cleans_up_when_cancelled(observed))
    await asyncio.sleep(0)
    late.cancel()
    observed["late_result"] = await late

    observed["custom"] = await asyncio.ensure_future(AwaitableCoroutine("custom"))
    if asyncio.iscoroutine(generator_based(0)):  # asyncio 3.8-3.10 still runs these as tasks
        observed["generator_based"] = await asyncio.ensure_future(generator_based("old"))
    await respond_ok(send)
    await send({"type": "http.response.body", "body": b"ok"})


def scope_for(path, observed, eager):
    return {"type": "http", "method": "GET", "path": path, "query_string": b"", "headers": [],
            "observed": observed, "eager": eager}


async def receive():
    return {"type": "http.request", "body": b"", "more_body": False}


async def discard(message):
    pass


class ChildTaskCoroutineTest(TempDirTestCase):
    def observe(self, profiled, set_factory=None):
        observed = {}
        app = observing_app
        mw = None
        if profiled:
            mw = ASGIProfilerMiddleware(observing_app, profile_dir=self.profile_dir)
            self.addCleanup(mw.writer.close)
            app = mw

        async def serve():
            if set_factory is not None:
                asyncio.get_running_loop().set_task_factory(set_factory)
            await app(scope_for("/observe", observed, set_factory is not None), receive, discard)

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            run = run_with_deadline(serve, 10)
            gc.collect()
        self.assertTrue(run.finished, "the request hung")
        self.assertIsNone(run.error)
        self.assertEqual(run.reported, [], run.describe_reports())
        observed["warnings"] = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
        return observed, mw

    def assert_same_as_unprofiled(self, set_factory=None):
        plain, _ = self.observe(profiled=False, set_factory=set_factory)
        profiled, mw = self.observe(profiled=True, set_factory=set_factory)
        first = inspect.CORO_CREATED if set_factory is None else inspect.CORO_SUSPENDED
        self.assertEqual(plain["states"], [first, inspect.CORO_SUSPENDED, inspect.CORO_CLOSED])
        for key in ("states", "state_inside", "iscoroutine", "type", "qualname", "name", "result", "suspended_in",
                    "cancel_seen", "late_result", "custom", "warnings"):
            self.assertEqual(profiled[key], plain[key], key)
        for key in ("early_cancelled", "generator_based"):  # where this Python and factory have them
            self.assertEqual(profiled.get(key), plain.get(key), key)
        self.assertEqual(profiled["state_inside"], inspect.CORO_RUNNING)
        self.assertTrue(profiled["iscoroutine"])
        self.assertIn("sleeper()", profiled["repr"])
        self.assertEqual(profiled["warnings"], [])
        # ...and the child's work is still in the request's profile.
        self.assertTrue(mw.writer.flush(10))
        (path,) = profile_files(self.profile_dir)
        names = function_names(load(path))
        self.assertIn("crunch_in_child", names)
        self.assertIn("sleeper", names)

    def test_child_task_coroutines_answer_like_the_apps_own(self):
        self.assert_same_as_unprofiled()

    @unittest.skipUnless(hasattr(asyncio, "eager_task_factory"), "eager tasks are new in 3.12")
    def test_child_task_coroutines_answer_like_the_apps_own_under_eager_tasks(self):
        self.assert_same_as_unprofiled(set_factory=asyncio.eager_task_factory)

    def test_a_task_that_never_starts_warns_once_under_the_apps_name(self):
        steps = StepProfiler(Recording(), 0.1)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            coroutine = profiled_coroutine(steps, never_started())
            self.assertEqual(coroutine.__qualname__, "never_started")
            del coroutine
            gc.collect()
        messages = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
        self.assertEqual(len(messages), 1, messages)
        self.assertIn("never_started", messages[0])
        self.assertEqual(steps.steps, 0)


if __name__ == "__main__":
    unittest.main()
