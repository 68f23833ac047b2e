"""Work an ASGI request hands to a thread pool, sampled in the worker thread and tied to
the request by the copy of its context the job runs in (sampling/thread_pools.py).
Starlette's plain def endpoints (anyio) are tested in test_sampled_engine.py with the
real framework; here the standard library's ways, on every interpreter."""

import asyncio
import contextvars
import functools
import threading
import time
from typing import Any, Dict, List, Tuple

from tests.support import TempDirTestCase, profile_files
from tests.test_sampled_engine import load_sampled, spin_until_sampled, stack_names

from request_profiler import ASGIProfilerMiddleware

MARKER = "<in a worker thread>"


def report_in_pool(label: str) -> None:
    spin_until_sampled(0.04)


def first_pool_job(label: str) -> None:
    report_in_pool(label)


def second_pool_job(label: str) -> None:
    report_in_pool(label)


def without_context(label: str) -> None:
    spin_until_sampled(0.04)


async def in_pool_with_context(function: Any, *args: Any) -> None:
    """What asyncio.to_thread does (3.9+), written out so that 3.8 runs it too."""
    loop = asyncio.get_running_loop()
    context = contextvars.copy_context()
    await loop.run_in_executor(None, functools.partial(context.run, function, *args))


class ThreadPoolSamplingTest(TempDirTestCase):
    def serve(self, app: Any, *batches: List[str]) -> Dict[str, Dict[str, Any]]:
        """Serves each batch on one loop, one after the other, a batch's requests at once
        (one per path); their profiles by path."""
        mw = ASGIProfilerMiddleware(app, self.profile_dir, engine="sample")
        assert mw.writer is not None
        self.addCleanup(mw.writer.close)

        async def one(path: str) -> None:
            async def receive() -> Dict[str, Any]:
                return {"type": "http.request"}

            async def send(message: Any) -> None:
                pass
            await mw({"type": "http", "method": "GET", "path": path, "headers": []}, receive, send)

        async def main() -> None:
            # Two workers started beforehand: a request whose job waits for a thread to
            # start awaits meanwhile (rightly), and a loaded machine makes that wait long.
            barrier = threading.Barrier(2)
            loop = asyncio.get_running_loop()
            await asyncio.gather(*(loop.run_in_executor(None, barrier.wait, 10) for _ in range(2)))
            for paths in batches:
                await asyncio.gather(*(one(path) for path in paths))

        asyncio.run(main())
        mw.writer.flush(10)
        return {load_sampled(p)["header"]["path"]: load_sampled(p) for p in profile_files(self.profile_dir)}

    @staticmethod
    def in_worker(doc: Dict[str, Any]) -> List[Tuple[List[str], List[Any]]]:
        """The pooled stacks: the worker's frames after the marker, and the stack's row."""
        return [(names[names.index(MARKER) + 1:], row)
                for names, row in zip(stack_names(doc), doc["profile"]["stacks"]) if MARKER in names]

    def test_two_requests_on_one_loop_each_get_their_own_pool_work_and_nothing_else(self) -> None:
        jobs = {"/one": first_pool_job, "/two": second_pool_job}

        async def app(scope: Any, receive: Any, send: Any) -> None:
            await in_pool_with_context(jobs[scope["path"]], scope["path"])
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"ok"})

        docs = self.serve(app, ["/one", "/two"])
        self.assertEqual(sorted(docs), ["/one", "/two"])
        for path, job in jobs.items():
            doc = docs[path]
            pooled = self.in_worker(doc)
            self.assertTrue(pooled, "%s: %s" % (path, stack_names(doc)))
            roots = {tuple(names[:1]) for names, _ in pooled}
            self.assertEqual(roots, {(job.__name__,)}, "only its own job, never the other request's")
            self.assertIn([job.__name__, "report_in_pool", "spin_until_sampled", "spin"], [n for n, _ in pooled])
            for names, row in pooled:
                self.assertFalse(row[2], "running code in the worker")
            other = "second_pool_job" if path == "/one" else "first_pool_job"
            self.assertNotIn(other, {f["name"] for f in doc["profile"]["functions"]})
            in_pool_ms = sum(row[3] for _, row in pooled) * 1000
            # The job spins 40 ms at least, most of the request, and that time is no longer
            # awaiting. (How it divides between the pool and the loop's steps varies: a step
            # of the request waiting for the GIL the two workers pass around is running time.)
            sampling = doc["profile"]["sampling"]
            self.assertGreater(in_pool_ms, 5, sampling)
            self.assertLess(sampling["awaitingMs"], sampling["sampledMs"] / 2, sampling)
            before_marker = [names[:names.index(MARKER)] for names in stack_names(doc) if MARKER in names]
            self.assertTrue(all(chain and chain[0] == "app" for chain in before_marker),
                            "the request's chain of awaits leads to the worker: %s" % before_marker)

    def test_work_in_a_thread_without_the_request_s_context_is_not_attributed(self) -> None:
        async def app(scope: Any, receive: Any, send: Any) -> None:
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, without_context, "plain")
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"ok"})

        docs = self.serve(app, ["/plain"])
        doc = docs["/plain"]
        self.assertEqual(self.in_worker(doc), [])
        self.assertNotIn("without_context", {f["name"] for f in doc["profile"]["functions"]})
        self.assertGreater(doc["profile"]["sampling"]["awaitingMs"], 30, "it awaited the thread meanwhile")
        self.assertTrue(any("not sampled" in note for note in doc["profile"]["notes"]), "the profile says what is not")

    def test_an_idle_pool_worker_is_nobody_s_and_a_finished_request_s_context_names_no_recording(self) -> None:
        # The executor's threads outlive the jobs: after the first request, its worker sits
        # idle while a second request awaits a plain sleep.
        async def app(scope: Any, receive: Any, send: Any) -> None:
            if scope["path"] == "/first":
                await in_pool_with_context(first_pool_job, "first")
            else:
                started = time.perf_counter()
                while time.perf_counter() - started < 0.05:
                    await asyncio.sleep(0.005)
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"ok"})

        docs = self.serve(app, ["/first"], ["/second"])
        self.assertTrue(self.in_worker(docs["/first"]))
        self.assertEqual(self.in_worker(docs["/second"]), [], stack_names(docs["/second"]))


def django_spinning_view(request: Any) -> Any:
    from django.http import HttpResponse
    spin_until_sampled(0.04)
    return HttpResponse("spun")


class DjangoAsgiThreadPoolTest(TempDirTestCase):
    """Django under ASGI runs a synchronous view with asgiref's sync_to_async, in a worker
    thread (Debian's python3 has Django)."""

    def test_a_synchronous_view_is_sampled_in_its_worker_thread(self) -> None:
        from tests.test_routes import configure_django
        configure_django()
        import sys
        from django.core.asgi import get_asgi_application
        from django.test.utils import override_settings
        from django.urls import path

        from tests.test_asgi import Collector, receive, scope_for

        sys.modules[__name__].urlpatterns = [path("spin/", django_spinning_view)]  # type: ignore[attr-defined]
        with override_settings(ROOT_URLCONF=__name__):
            application = ASGIProfilerMiddleware(get_asgi_application(), profile_dir=self.profile_dir,
                                                 engine="sample")
            assert application.writer is not None
            self.addCleanup(application.writer.close)
            sent = Collector()
            asyncio.run(application(scope_for("/spin/"), receive, sent))
            self.assertEqual(sent.messages[0]["status"], 200)
            application.writer.flush(10)
        (path_,) = profile_files(self.profile_dir)
        doc = load_sampled(path_)
        pooled = ThreadPoolSamplingTest.in_worker(doc)
        self.assertTrue(pooled, stack_names(doc))
        views = [names for names, _ in pooled if "django_spinning_view" in names]
        self.assertTrue(views, [names for names, _ in pooled])
        self.assertIn(["django_spinning_view", "spin_until_sampled", "spin"],
                      [names[names.index("django_spinning_view"):] for names in views])
