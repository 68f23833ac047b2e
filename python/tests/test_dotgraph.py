import re
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

    def test_escaping_follows_the_extensions_rules(self):
        # Tab: a space (DOT has no tab escape); CR LF: one line break; other control
        # characters: U+FFFD; an "&" that starts an entity: "&amp;" (shown as typed).
        self.assertEqual(dot_string('a"b\\c\nd\te'), '"a\\"b\\\\c\\nd e"')
        self.assertEqual(dot_string("x\r\ny\rz\x01"), '"x\\ny\\nz\ufffd"')
        self.assertEqual(dot_string("&lt; &#60; & &x"), '"&amp;lt; &amp;#60; & &x"')
        self.assertEqual(dot_string("<module>"), '"<module>"')

    def test_empty_profile(self):
        self.assertTrue(render(ProfileTables([], []), "x").strip().endswith("}"))

    @unittest.skipUnless(shutil.which("dot"), "Graphviz not installed")
    def test_graphviz_accepts_it(self):
        out = subprocess.run(["dot", "-Tsvg"], input=render(TABLES, "t").encode(), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, check=True)
        self.assertIn(b"&lt;script&gt;alert(1)&lt;/script&gt;", out.stdout)


if __name__ == "__main__":
    unittest.main()


def hot_marks(graph):
    """(node ids, edges "nA->nB") whose attributes carry class="hot"."""
    nodes, edges = set(), set()
    for line in graph.splitlines():
        if 'class="hot"' not in line:
            continue
        head = line.split("[", 1)[0].strip()
        if "->" in head:
            edges.add(head.replace(" ", ""))
        else:
            nodes.add(head)
    return nodes, edges


def drawn_nodes(graph):
    return set(re.findall(r"^  (n\d+) \[", graph, re.M))


def tables_of(cts, edges):
    """Functions f0, f1... with the given cumulative times; edges (caller, callee, ct)."""
    return ProfileTables([function("f%d" % i, ct, 0.0, line=i + 1) for i, ct in enumerate(cts)],
                         [[a, b, 1, 1, 0.0, ct] for a, b, ct in edges])


class HotPathTest(unittest.TestCase):
    def test_follows_the_heaviest_call_while_it_holds_more_than_half(self):
        # f0 (1.0) -> f1 (0.7) -> f3 (0.36, just over half of 0.7) -> f4 (0.18, exactly
        # half of 0.36: stops); f0 -> f2 (0.3) is the side branch.
        graph = render(tables_of([1.0, 0.7, 0.3, 0.36, 0.18], [(0, 1, 0.7), (0, 2, 0.3), (1, 3, 0.36), (3, 4, 0.18)]), "t")
        self.assertEqual(hot_marks(graph), ({"n0", "n1", "n3"}, {"n0->n1", "n1->n3"}))
        self.assertIn("penwidth=3", [l for l in graph.splitlines() if l.strip().startswith("n1 [")][0])

    def test_ties_go_to_the_lower_callee_index_whatever_the_edge_order(self):
        tables = tables_of([1.0, 0.1, 0.6, 0.6], [(0, 3, 0.6), (0, 2, 0.6), (0, 1, 0.1)])
        self.assertEqual(hot_marks(render(tables, "t")), ({"n0", "n2"}, {"n0->n2"}))

    def test_self_calls_and_calls_back_into_the_path_end_the_walk(self):
        # f0 -> f1 -> f1 (recursion) and f1 -> f0 (a cycle back): both skipped.
        tables = tables_of([1.0, 0.9], [(0, 1, 0.9), (1, 1, 0.8), (1, 0, 0.7)])
        self.assertEqual(hot_marks(render(tables, "t")), ({"n0", "n1"}, {"n0->n1"}))

    def test_starts_at_the_costliest_root_and_uses_only_drawn_calls(self):
        # Two roots: f1 (0.8) is costlier than f0 (0.2). f1 -> f2 is under the edge
        # threshold (not drawn), so the walk stays at f1.
        tables = tables_of([0.2, 0.8, 0.7], [(1, 2, 0.0005)])
        self.assertEqual(hot_marks(render(tables, "t", edge_threshold=0.001)), ({"n1"}, set()))

    def test_a_self_recursive_root_and_a_cycle_entered_from_outside_are_roots(self):
        # f0 calls only itself; f1 <-> f2 is a cycle nobody else calls (entered from the
        # unprofiled middleware). Roots: f1 (0.6, the cycle's costliest) and f0 (0.4).
        tables = tables_of([0.4, 0.6, 0.5], [(0, 0, 0.3), (1, 2, 0.5), (2, 1, 0.45)])
        self.assertEqual(tables.roots(), [1, 0])
        self.assertAlmostEqual(tables.profiled_seconds(), 1.0)
        self.assertEqual(hot_marks(render(tables, "t")), ({"n1", "n2"}, {"n1->n2"}))

    def test_nothing_drawn_marks_nothing(self):
        self.assertEqual(hot_marks(render(tables_of([0.0, 0.0], [(0, 1, 0.0)]), "t")), (set(), set()))


class NodeLimitTest(unittest.TestCase):
    def test_at_most_100_nodes_costliest_first_ties_by_index(self):
        # 150 roots above the threshold; costs fall in steps of 2 so that pairs tie.
        cts = [1.0 - (i // 2) * 0.005 for i in range(150)]
        graph = render(tables_of(cts, []), "t", node_threshold=0.0)
        self.assertEqual(drawn_nodes(graph), {"n%d" % i for i in range(100)})
        reversed_ties = [cts[0]] + cts[1:][::-1]  # f0 costliest, then rising: the 99 last drawn
        drawn = drawn_nodes(render(tables_of(reversed_ties, []), "t", node_threshold=0.0))
        self.assertEqual(len(drawn), 100)
        self.assertIn("n0", drawn)
        self.assertNotIn("n1", drawn)

    def test_zero_means_no_limit(self):
        graph = render(tables_of([1.0] * 120, []), "t", node_threshold=0.0, max_nodes=0)
        self.assertEqual(len(drawn_nodes(graph)), 120)
