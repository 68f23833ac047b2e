"""The sampling engine under real servers, started as users start them through
`python -m request_profiler run --engine sample`: Flask's threaded development server and
uvicorn with FastAPI (an async endpoint on the loop, a plain `def` endpoint in its thread
pool). Eight requests of two kinds at once: every one is profiled, by the sampler, and each
profile holds its own handler and never the other kind's. Debian's python3 with its packages
(skipped elsewhere unless REQUEST_PROFILER_REQUIRE_FRAMEWORKS=1)."""

import json
import os
import threading
import unittest
from typing import Dict, List, Tuple

from .launched import LaunchedServer
from .schema_check import errors
from .support import function_names, http_get
from .test_frameworks import need
from .test_run_command import HERE_PYTHON, LaunchTestCase
from .test_sampled_engine import SCHEMA_PATH

# Each handler works long enough (about 150 ms) to be sampled many times at 1 ms, and the two
# kinds run at the same time in the same process.
FLASK_APP = '''
    import time
    from flask import Flask

    app = Flask("sampled_flask_app")

    def spin_for_alpha(seconds):
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            sum(i * i for i in range(200))

    def sleep_for_beta(seconds):
        time.sleep(seconds)

    @app.route("/alpha/<int:n>")
    def alpha(n):
        spin_for_alpha(0.15)
        return {"kind": "alpha", "n": n}

    @app.route("/beta/<int:n>")
    def beta(n):
        sleep_for_beta(0.15)
        return {"kind": "beta", "n": n}
'''

FASTAPI_APP = '''
    import asyncio
    import time
    from fastapi import FastAPI

    app = FastAPI()

    def spin_for_alpha(seconds):
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            sum(i * i for i in range(200))

    async def wait_for_alpha():
        await asyncio.sleep(0.1)

    def sleep_for_beta(seconds):
        time.sleep(seconds)

    @app.get("/alpha/{n}")
    async def alpha(n: int):
        await wait_for_alpha()
        spin_for_alpha(0.05)
        return {"kind": "alpha", "n": n}

    @app.get("/beta/{n}")
    def beta(n: int):
        sleep_for_beta(0.15)
        return {"kind": "beta", "n": n}
'''

OWN = {"alpha": "spin_for_alpha", "beta": "sleep_for_beta"}
REQUESTS = [("alpha" if i % 2 == 0 else "beta", i) for i in range(8)]


def get_all_at_once(port: int, paths: List[str]) -> Dict[str, Tuple[int, bytes]]:
    """GETs every path, each on its own thread and connection, released together."""
    results: Dict[str, Tuple[int, bytes]] = {}
    start = threading.Barrier(len(paths))

    def get(path: str) -> None:
        start.wait()
        results[path] = http_get(port, path, timeout=30)

    threads = [threading.Thread(target=get, args=(path,)) for path in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


class SampledRealServersTest(LaunchTestCase):
    def serve_concurrently(self, server: LaunchedServer, own_seconds: Dict[str, float]) -> None:
        self.assertEqual(server.get("/alpha/100")[0], 200)  # listening (and one request more)
        paths = ["/%s/%d" % (kind, n) for kind, n in REQUESTS]
        results = get_all_at_once(server.port, paths)
        for path in paths:
            self.assertEqual(results.get(path, (None,))[0], 200, "%s: %s" % (path, results.get(path)))
        files = server.wait_for_profiles(len(paths) + 1, wait_s=30)
        with open(SCHEMA_PATH, encoding="utf-8") as f:
            schema = json.load(f)
        docs = {}
        for file in files:
            with open(file, encoding="utf-8") as f:
                doc = json.load(f)
            self.assertEqual(errors(schema, doc), [], file)
            docs[doc["header"]["path"]] = doc
        for path in paths:
            self.assertIn(path, docs, "%s\n%s" % (sorted(docs), server.output()))
            doc = docs[path]
            kind = path.split("/")[1]
            other = "beta" if kind == "alpha" else "alpha"
            header, profile = doc["header"], doc["profile"]
            self.assertTrue(header["profiled"], header)
            self.assertEqual(profile["engine"], "sample", header)
            names = function_names(doc)
            self.assertIn(OWN[kind], names, "%s holds its own handler: %s" % (path, names))
            self.assertNotIn(OWN[other], names, "%s holds nothing of the other requests: %s" % (path, names))
            self.assertNotIn(other, names, path)
            # Its own work holds most of the time it took. Time, not samples: the samples of a
            # thread that holds the GIL come late and few, each weighted by the time since the last.
            mine = names.index(OWN[kind])
            own = sum(stack[3] for stack in profile["stacks"] if mine in stack[0])
            self.assertGreater(own, 0.6 * own_seconds[kind], "%s: %.1f ms in its own work" % (path, own * 1000))

    def test_flask_s_threaded_development_server(self):
        need("flask")
        self.write("sampled_flask_app.py", FLASK_APP)
        path = os.pathsep.join([os.path.dirname(HERE_PYTHON), os.environ.get("PATH", "")])
        server = self.launch(["flask", "--app", "sampled_flask_app", "run", "--port", "{port}"],
                             env=dict(os.environ, PATH=path), run_options=["--engine", "sample"])
        self.serve_concurrently(server, {"alpha": 0.15, "beta": 0.15})

    def test_uvicorn_with_fastapi_async_and_thread_pool_endpoints(self):
        need("fastapi", "uvicorn")
        self.write("sampled_fastapi_app.py", FASTAPI_APP)
        server = self.launch(["python", "-m", "uvicorn", "sampled_fastapi_app:app", "--port", "{port}"],
                             run_options=["--engine", "sample"])
        self.serve_concurrently(server, {"alpha": 0.05, "beta": 0.15})


if __name__ == "__main__":
    unittest.main()
