import shutil
import subprocess
import unittest

from request_profiler.dotgraph import colour, dot_string, render
from request_profiler.stats import ProfileTables

from .support import PACKAGE_ROOT  # noqa: F401


def function(name, ct, tt, file="/app/views.py", line=1, qualname=None, calls=1):
    return {"file": file, "line": line, "name": name, "qualname": qualname, "cc": calls, "nc": calls, "tt": tt, "ct": ct}


TABLES = ProfileTables(
    [function("handler", 1.0, 0.1, qualname="UserView.get"),
     function("<script>alert(1)</script>", 0.6, 0.6, file="<string>"),
     function("tiny", 0.001, 0.001),
     function("<built-in method builtins.len>", 0.3, 0.3, file="~", line=0, calls=7)],
    [[0, 1, 1, 1, 0.6, 0.6], [0, 2, 1, 1, 0.001, 0.001], [0, 3, 7, 7, 0.3, 0.3]])


class DotGraphTest(unittest.TestCase):
    def test_labels_thresholds_and_colours(self):
        graph = render(TABLES, 'GET /a "quoted"')
        self.assertIn('label="GET /a \\"quoted\\""', graph)
        self.assertIn("views:1:UserView.get\\n1000.00 ms  100.00%", graph)
        self.assertIn("<built-in method builtins.len>", graph)
        self.assertIn("7\u00d7", graph)
        self.assertNotIn("tiny", graph)  # 0.1 % of the request: under the 0.5 % node threshold
        self.assertIn(colour(1.0), graph)
        self.assertEqual(graph.count("->"), 2)

    def test_colour_map_runs_from_hot_red_to_cold_blue(self):
        self.assertEqual(colour(1.0), "#ff0000")
        r, g, b = (int(colour(0.0)[i:i + 2], 16) for i in (1, 3, 5))
        self.assertTrue(b > r and b > g)

    def test_escaping(self):
        self.assertEqual(dot_string('a"b\\c\nd\te'), '"a\\"b\\\\c\\nd\\te"')

    def test_empty_profile(self):
        self.assertTrue(render(ProfileTables([], []), "x").strip().endswith("}"))

    @unittest.skipUnless(shutil.which("dot"), "Graphviz not installed")
    def test_graphviz_accepts_it(self):
        out = subprocess.run(["dot", "-Tsvg"], input=render(TABLES, "t").encode(), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, check=True)
        self.assertIn(b"&lt;script&gt;alert(1)&lt;/script&gt;", out.stdout)


if __name__ == "__main__":
    unittest.main()
