import cProfile
import marshal
import os
import pstats
import sys
import tempfile
import unittest

from request_profiler.pstats_file import pstats_bytes, pstats_dict
from request_profiler.stats import extract

from .support import PACKAGE_ROOT  # noqa: F401  (puts the package on sys.path)


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


class Shape:
    def area(self):
        return sorted([3, 1, 2]) and fib(8)


def work():
    Shape().area()
    return [len(str(i)) for i in range(200)]


def recorded_profile():
    profiler = cProfile.Profile()
    profiler.enable()
    work()
    profiler.disable()
    return profiler


class StatsExtractionTest(unittest.TestCase):
    def test_numbers_match_pstats_exactly(self):
        profiler = recorded_profile()
        tables = extract(profiler.getstats())
        profiler.create_stats()
        expected = {label: value for label, value in profiler.stats.items() if "disable" not in label[2]}
        ours = pstats_dict(tables)
        self.assertEqual(set(ours), set(expected))
        for label, (cc, nc, tt, ct, callers) in expected.items():
            self.assertEqual(ours[label][:2], (cc, nc), label)
            self.assertAlmostEqual(ours[label][2], tt, places=9)
            self.assertAlmostEqual(ours[label][3], ct, places=9)
            self.assertEqual(set(ours[label][4]), set(callers), label)
            for caller, numbers in callers.items():
                self.assertEqual(ours[label][4][caller][:2], numbers[:2])
                self.assertAlmostEqual(ours[label][4][caller][3], numbers[3], places=9)

    def test_recursion_counts_primitive_and_total_calls(self):
        profiler = recorded_profile()
        tables = extract(profiler.getstats())
        fib_row = [f for f in tables.functions if f["name"] == "fib"][0]
        self.assertEqual(fib_row["cc"], 1)
        self.assertEqual(fib_row["nc"], 67)  # calls of fib(8) in total
        index = tables.functions.index(fib_row)
        self_edge = [e for e in tables.edges if e[0] == index and e[1] == index][0]
        self.assertEqual(self_edge[3], 66)

    def test_profiler_disable_is_not_in_the_data(self):
        tables = extract(recorded_profile().getstats())
        self.assertFalse([f for f in tables.functions if "disable" in f["name"]])
        self.assertTrue(all(e[0] < len(tables.functions) and e[1] < len(tables.functions) for e in tables.edges))

    def test_qualname_comes_from_the_code_object(self):
        tables = extract(recorded_profile().getstats())
        area = [f for f in tables.functions if f["name"] == "area"][0]
        self.assertEqual(area["qualname"], "Shape.area" if sys.version_info >= (3, 11) else None)
        builtin = [f for f in tables.functions if f["file"] == "~"][0]
        self.assertIsNone(builtin["qualname"])
        self.assertEqual(builtin["line"], 0)

    def test_profiled_seconds_is_the_sum_of_root_times(self):
        tables = extract(recorded_profile().getstats())
        roots = [f for i, f in enumerate(tables.functions) if not any(e[1] == i for e in tables.edges)]
        self.assertEqual([f["name"] for f in roots], ["work"])
        self.assertAlmostEqual(tables.profiled_seconds(), roots[0]["ct"])

    def test_prof_file_loads_in_pstats(self):
        tables = extract(recorded_profile().getstats())
        with tempfile.NamedTemporaryFile(suffix=".prof", delete=False) as out:
            out.write(pstats_bytes(tables))
        self.addCleanup(os.unlink, out.name)
        stats = pstats.Stats(out.name)
        self.assertEqual(stats.total_calls, sum(f["nc"] for f in tables.functions))
        with open(out.name, "rb") as f:
            self.assertEqual(marshal.load(f), pstats_dict(tables))


if __name__ == "__main__":
    unittest.main()
