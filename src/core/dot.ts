/**
 * Writes a CallGraph as Graphviz DOT text, for the webview's renderer and for export.
 *
 * Every string goes out double-quoted through dotString, because function names and file
 * paths are anyone's text: `<module>`, `<lambda>`, names with quotes, backslashes (which
 * Graphviz would otherwise read as \N, \G, \l ... escapes) and, in pseudo-files, newlines.
 * Node ids are "n<index>" and never need quoting.
 */
import type { CallGraph, CallGraphEdge, CallGraphNode } from './callGraph';
import { HOT_PATH_EXTRA_WIDTH, hotPathColor, strokeColor, type GraphThemeKind } from './graphColors';
import { visibleLines } from './displayText';

export interface DotOptions {
  /** Background the graph is drawn on: decides edge and caption colours. Default 'light'. */
  theme?: GraphThemeKind;
  /** Colour of the caption (e.g. the editor's foreground); default black or light grey by theme. */
  foreground?: string;
  /** First line of the caption, e.g. "GET /users/7 · 123 ms". */
  title?: string;
  /**
   * Whether the graph carries a caption (the title and what the thresholds hid). Default
   * true, for exported files; a view that shows both elsewhere turns it off.
   */
  caption?: boolean;
  /** Font Graphviz measures text with and the SVG names. */
  fontName?: string;
  /**
   * 'quick' bounds Graphviz's crossing minimisation and ranking passes; 'auto' (default)
   * does so above QUICK_LAYOUT_NODES nodes, where full effort costs seconds.
   */
  layoutEffort?: 'full' | 'quick' | 'auto';
}

/**
 * Above this many nodes 'auto' layout is quick: full effort on a graph of a hundred nodes
 * takes seconds, quick a fraction of that, and a graph of a few dozen nodes is fast either way
 * (docs/measurements.md, "How many nodes the call graph draws").
 */
export const QUICK_LAYOUT_NODES = 60;

/** Iteration limits for dot's network simplex (nslimit, nslimit1) and crossing passes (mclimit). */
const QUICK_LAYOUT_ATTRIBUTES: [string, number][] = [
  ['nslimit', 2],
  ['nslimit1', 2],
  ['mclimit', 0.2],
];

const NODE_FONT_COLOR = '#ffffff';
const NODE_PEN_WIDTH = 1;
const HOT_NODE_PEN_WIDTH = 3;

/**
 * A DOT double-quoted string that Graphviz shows as exactly `text`:
 * - backslash and quote are escaped;
 * - line breaks become \n (Graphviz's centred line break); a tab becomes a space, since
 *   Graphviz has no tab escape ("\t" would show as "t");
 * - characters Graphviz or its SVG cannot carry, or that would show misleadingly (other
 *   controls, U+FFFE, lone surrogates, bidi and zero-width characters...), become visible
 *   escapes such as ⟨U+FFFE⟩ (displayText.ts): Graphviz copies U+0001-U+0008, U+000B, U+000C,
 *   U+000E-U+001F, U+FFFE and U+FFFF into its SVG, which then fails to parse as XML; NUL ends
 *   its string early; lone surrogates come out as U+FFFD;
 * - an "&" that starts something Graphviz would decode as an HTML entity ("&lt;", "&#60;")
 *   becomes "&amp;", so the entity's text is shown rather than the character it names.
 * Angle brackets need no escape inside a quoted string (only <...> labels are HTML-like),
 * and Graphviz escapes them itself when writing SVG.
 */
export function dotString(text: string): string {
  const escaped = visibleLines(text)
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\r\n|\r|\n/g, '\\n')
    .replace(/\t/g, ' ')
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, '&amp;');
  return `"${escaped}"`;
}

/** A DOT attribute list from name/value pairs; numbers are written with two decimals at most. */
function attributes(pairs: [string, string | number][]): string {
  return pairs.map(([name, value]) => `${name}=${typeof value === 'number' ? formatNumber(value) : dotString(value)}`).join(', ');
}

function formatNumber(value: number): string {
  return String(Math.round(value * 100) / 100);
}

function nodeLine(node: CallGraphNode, theme: GraphThemeKind): string {
  const pairs: [string, string | number][] = [
    ['label', node.label.join('\n')],
    ['fillcolor', node.color],
    ['color', node.onHotPath ? hotPathColor(theme) : node.color],
    ['penwidth', node.onHotPath ? HOT_NODE_PEN_WIDTH : NODE_PEN_WIDTH],
    // The SVG element gets this id and class: the webview finds nodes by them.
    ['id', `fn${node.function}`],
    ['class', node.onHotPath ? 'function hot' : 'function'],
    ['tooltip', node.hasSource ? `${node.displayName}\n${node.file}:${node.line}` : node.displayName],
  ];
  return `  ${node.id} [${attributes(pairs)}];`;
}

/**
 * Graphviz puts an edge's label box right against the edge, so a thick pen covers the first
 * character of every line; two spaces of indent keep the text clear of it.
 */
const EDGE_LABEL_INDENT = '  ';

function edgeLine(edge: CallGraphEdge, theme: GraphThemeKind): string {
  const color = edge.onHotPath ? hotPathColor(theme) : strokeColor(edge.weight, theme);
  const width = edge.onHotPath ? edge.penWidth + HOT_PATH_EXTRA_WIDTH : edge.penWidth;
  const pairs: [string, string | number][] = [
    ['label', edge.label.map((line) => EDGE_LABEL_INDENT + line).join('\n')],
    ['color', color],
    ['fontcolor', color],
    ['penwidth', width],
    // Arrow heads grow with the pen, but not so far that they hide the edge's label.
    ['arrowsize', Math.min(1.2, Math.max(0.35, width / 4))],
    ['id', `call${edge.edge}`],
    ['class', edge.onHotPath ? 'call hot' : 'call'],
  ];
  return `  ${edge.from} -> ${edge.to} [${attributes(pairs)}];`;
}

export function toDot(graph: CallGraph, options: DotOptions = {}): string {
  const theme = options.theme ?? 'light';
  const foreground = options.foreground ?? (theme === 'dark' ? '#cccccc' : '#000000');
  const fontName = options.fontName ?? 'Arial';
  const caption = options.caption === false ? '' : [options.title, graph.hiddenText].filter((line): line is string => !!line).join('\n');
  const effort = options.layoutEffort ?? 'auto';
  const quick = effort === 'quick' || (effort === 'auto' && graph.nodes.length > QUICK_LAYOUT_NODES);
  const lines = [
    'digraph callgraph {',
    `  graph [${attributes([
      ['label', caption],
      ['labelloc', 't'],
      ['fontname', fontName],
      ['fontcolor', foreground],
      ['bgcolor', 'transparent'],
      ['ranksep', 0.25],
      ['nodesep', 0.25],
      ...(quick ? QUICK_LAYOUT_ATTRIBUTES : []),
    ])}];`,
    `  node [${attributes([
      ['fontname', fontName],
      ['fontsize', 10],
      ['fontcolor', NODE_FONT_COLOR],
      ['shape', 'box'],
      ['style', 'filled'],
      ['width', 0],
      ['height', 0],
    ])}];`,
    `  edge [${attributes([
      ['fontname', fontName],
      ['fontsize', 9],
    ])}];`,
  ];
  for (const node of graph.nodes) lines.push(nodeLine(node, theme));
  for (const edge of graph.edges) lines.push(edgeLine(edge, theme));
  lines.push('}');
  return lines.join('\n') + '\n';
}
