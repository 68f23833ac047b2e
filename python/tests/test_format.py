"""The written files against the contract: docs/profile.schema.json, the TypeScript
types in src/core/profileFormat.ts, and the checked-in fixtures."""

import json
import os
import re
import unittest

from request_profiler import ProfilerMiddleware
from request_profiler.document import BODY_KEYS, FIRST_LINE_PREFIX

from .schema_check import errors
from .support import TempDirTestCase, call, first_line_header, load, profile_files

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCHEMA_PATH = os.path.join(REPO, "docs", "profile.schema.json")
TS_PATH = os.path.join(REPO, "src", "core", "profileFormat.ts")
FIXTURES = os.path.join(REPO, "test", "fixtures", "profiles")


def schema():
    with open(SCHEMA_PATH, encoding="utf-8") as f:
        return json.load(f)


def ts_fields(interface, optional=False):
    """The interface's required fields, or (optional=True) its optional ones (`name?:`)."""
    with open(TS_PATH, encoding="utf-8") as f:
        text = f.read()
    body = re.search(r"export interface %s \{(.*?)\n\}" % interface, text, re.S).group(1)
    body = re.sub(r"/\*\*.*?\*/", "", body, flags=re.S)
    return re.findall(r"^\s*(\w+)\?:" if optional else r"^\s*(\w+):", body, re.M)


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


@unittest.skipUnless(os.path.exists(SCHEMA_PATH) and os.path.exists(TS_PATH), "not inside the repository")
class FormatContractTest(TempDirTestCase):
    def test_written_profile_matches_the_schema(self):
        mw = ProfilerMiddleware(app, profile_dir=self.profile_dir)
        self.addCleanup(mw.writer.close)
        call(mw)
        mw.writer.flush()
        (path,) = profile_files(self.profile_dir)
        self.assertEqual(errors(schema(), load(path)), [])

    def test_schema_and_typescript_name_the_same_fields(self):
        s = schema()
        pairs = [("ProfileDocument", s), ("ProfileHeader", s["$defs"]["header"]),
                 ("ProfiledFunction", s["$defs"]["function"]), ("ProfileRequest", s["$defs"]["request"]),
                 ("ProfileResponse", s["$defs"]["response"]), ("ProfilePaths", s["properties"]["paths"]),
                 ("ProfileError", s["properties"]["error"]["oneOf"][1]), ("ProfileData", s["properties"]["profile"]),
                 ("ProfileRoute", s["$defs"]["route"])]
        for interface, part in pairs:
            self.assertEqual(sorted(ts_fields(interface)), sorted(part["required"]), interface)
            self.assertEqual(sorted(ts_fields(interface, optional=True)),
                             sorted(set(part["properties"]) - set(part["required"])), interface)
        self.assertEqual(list(s["required"][3:]), list(BODY_KEYS))


@unittest.skipUnless(os.path.isdir(FIXTURES), "fixtures not present")
class FixturesTest(unittest.TestCase):
    def test_fixtures_are_valid_profiles_and_the_broken_ones_are_broken(self):
        names = sorted(n for n in os.listdir(FIXTURES) if n.endswith(".rprof.json"))
        good = [n for n in names if n[0].isdigit()]
        self.assertGreaterEqual(len(good), 7)
        kinds = set()
        for name in good:
            path = os.path.join(FIXTURES, name)
            doc = load(path)
            self.assertEqual(errors(schema(), doc), [], name)
            self.assertEqual(first_line_header(path), doc["header"])
            kinds.add((doc["header"]["interface"], doc["header"]["profiled"], doc["header"]["error"]))
        self.assertIn(("wsgi", False, None), kinds)
        self.assertIn(("wsgi", True, "RuntimeError"), kinds)
        with open(os.path.join(FIXTURES, "broken-truncated.rprof.json"), encoding="utf-8") as f:
            text = f.read()
        self.assertTrue(text.startswith(FIRST_LINE_PREFIX))
        self.assertRaises(ValueError, json.loads, text)
        with open(os.path.join(FIXTURES, "not-json.rprof.json"), encoding="utf-8") as f:
            self.assertRaises(ValueError, json.loads, f.read())
        total = sum(os.path.getsize(os.path.join(FIXTURES, n)) for n in os.listdir(FIXTURES))
        self.assertLess(total, 200 * 1024)


if __name__ == "__main__":
    unittest.main()
