/**
 * Puts Graphviz's SVG into the page and makes its nodes usable: focusable with the
 * keyboard, named for screen readers, and mapped back to the functions they show. The SVG
 * is parsed as XML (never assigned as HTML), so no text in a function name can become markup.
 */
import type { CallGraph, CallGraphNode } from '../../src/core/callGraph';
import { visibleLines } from '../../src/core/displayText';

export interface DrawnGraph {
  svg: SVGSVGElement;
  /** Natural size in CSS pixels (Graphviz's points, drawn one to one). */
  width: number;
  height: number;
  /** The <g> of each drawn function, by function index. */
  nodes: Map<number, SVGGElement>;
}

export function parseGraphSvg(svgText: string, graph: CallGraph): DrawnGraph {
  const parsed = new DOMParser().parseFromString(svgText, 'image/svg+xml');
  const root = parsed.documentElement;
  if (root.nodeName !== 'svg' || parsed.querySelector('parsererror')) throw new Error('Graphviz returned no SVG');
  const svg = document.importNode(root, true) as unknown as SVGSVGElement;
  const box = svg.viewBox.baseVal;
  const width = box && box.width ? box.width : 1;
  const height = box && box.height ? box.height : 1;
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('role', 'group');
  svg.setAttribute('aria-label', 'Call graph');
  const nodes = new Map<number, SVGGElement>();
  for (const node of graph.nodes) {
    const element = svg.getElementById(`fn${node.function}`) as SVGGElement | null;
    if (!element) continue;
    decorateNode(element, node);
    nodes.set(node.function, element);
  }
  return { svg, width, height, nodes };
}

/** What a screen reader says and a tooltip shows for a node, escaped as the label is. */
export function describeNode(node: CallGraphNode): string {
  const where = node.hasSource ? `\n${node.file}:${node.line}` : '';
  return visibleLines(`${node.label.join('\n')}${where}${node.onHotPath ? '\non the hot path' : ''}`);
}

function decorateNode(element: SVGGElement, node: CallGraphNode): void {
  element.setAttribute('tabindex', '0');
  element.setAttribute('role', 'button');
  element.setAttribute('aria-label', describeNode(node).replace(/\n/g, ', '));
  element.dataset.function = String(node.function);
  // VS Code's webview/context menu (Open Source, Show in Call Tree) receives this object.
  element.dataset.vscodeContext = JSON.stringify({ webviewSection: 'callGraphNode', function: node.function, preventDefaultContextMenuItems: true });
  // Graphviz titles a node with its DOT id ("n12"): show the description instead.
  const title = element.querySelector('title');
  if (title) title.textContent = describeNode(node);
}
