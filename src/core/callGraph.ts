/**
 * The call graph of one profile, after gprof2dot's conventions: one node per function
 * weighted by its cumulative time over the request's profiled time, one edge per
 * caller→callee pair weighted by the callee's cumulative time from that caller. Nodes and
 * edges under the thresholds are not drawn, but what they hold is summarised per node
 * ("+3 more callees, 1.2 ms") and for the whole graph, so nothing disappears silently.
 *
 * Unlike a call tree, the graph is exact: cProfile records exactly these caller/callee
 * pairs. It is pure data (no DOT, no vscode); dot.ts writes it as Graphviz text.
 */
import type { FunctionKind, ProfileModel } from './profileModel';
import { heatColor, penWidth } from './graphColors';
import { findHotPath } from './hotPath';
import { graphCalls, graphLocation, graphMs, graphPercent, hiddenCalleesNote, hiddenCallersNote } from './graphLabels';

/** gprof2dot's defaults: nodes under 0.5 % and edges under 0.1 % of the total are not drawn. */
export const DEFAULT_NODE_THRESHOLD = 0.005;
export const DEFAULT_EDGE_THRESHOLD = 0.001;
/**
 * At most this many nodes are drawn by default. Thresholds alone do not bound the graph:
 * cumulative times overlap, so a deep profile can have hundreds of functions above 0.5 %,
 * which is neither readable nor quick to lay out: Graphviz's time grows steeply with the
 * nodes (bench/callGraph.bench.ts; docs/measurements.md, "How many nodes the call graph draws").
 */
export const DEFAULT_MAX_NODES = 100;

export interface CallGraphOptions {
  /** Fraction of the total (0..1) a function's cumulative time needs to be drawn. */
  nodeThreshold?: number;
  /** Fraction of the total (0..1) a call's time needs to be drawn. */
  edgeThreshold?: number;
  /** Draw at most this many functions, the costliest (ties: earlier in the profile); 0 = no limit. */
  maxNodes?: number;
}

/** Calls into or out of one node that are not drawn. */
export interface HiddenCalls {
  /** Distinct functions on the other end (self-calls are not counted here). */
  count: number;
  /** Their cumulative time through these calls, milliseconds. */
  ms: number;
}

export interface CallGraphNode {
  /** DOT node id: "n" + the function's index in the profile, as in the middleware's .dot. */
  id: string;
  /** Index into the model's functions (and the profile's). */
  function: number;
  displayName: string;
  module: string;
  file: string;
  line: number;
  kind: FunctionKind;
  hasSource: boolean;
  /** Cumulative time over the total, 0..1. */
  weight: number;
  /** Own time over the total, 0..1. */
  selfWeight: number;
  totalMs: number;
  selfMs: number;
  /** Total calls (nc) and primitive, non-recursive calls (cc). */
  calls: number;
  primitiveCalls: number;
  /** Fill colour on the hot-to-cold scale. */
  color: string;
  onHotPath: boolean;
  hiddenCallees: HiddenCalls;
  hiddenCallers: HiddenCalls;
  /** Label lines, top to bottom. */
  label: string[];
}

export interface CallGraphEdge {
  /** Index into the model's edges. */
  edge: number;
  /** Node ids of both ends. */
  from: string;
  to: string;
  caller: number;
  callee: number;
  weight: number;
  ms: number;
  calls: number;
  primitiveCalls: number;
  /** Colour on the hot-to-cold scale (for a light background; dot.ts adapts it to dark themes). */
  color: string;
  /** max(4 × weight, 0.5), before the hot path's extra width. */
  penWidth: number;
  onHotPath: boolean;
  label: string[];
}

/** Everything the thresholds removed, for the whole graph. */
export interface HiddenSummary {
  /** Functions not drawn. */
  functions: number;
  /** The sum of their own times (own times add up without double counting), milliseconds. */
  functionsOwnMs: number;
  /** The largest weight of a function not drawn. */
  largestFunctionWeight: number;
  /** Edges not drawn: under the edge threshold, or touching a function not drawn. */
  edges: number;
  /** Functions above the node threshold left out only because of maxNodes. */
  overMaxNodes: number;
}

export interface CallGraph {
  nodes: CallGraphNode[];
  edges: CallGraphEdge[];
  /** Function indices of the hot path, root first; empty when nothing is drawn. */
  hotPath: number[];
  /** The profile's total (the roots' cumulative time), milliseconds. */
  totalMs: number;
  nodeThreshold: number;
  edgeThreshold: number;
  maxNodes: number;
  hidden: HiddenSummary;
  /** One line that says what was hidden, for the graph's caption. */
  hiddenText: string;
}

function validThreshold(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? value : fallback;
}

function validMaxNodes(value: number | undefined): number {
  if (value === 0) return 0;
  return value !== undefined && value >= 1 ? Math.floor(value) : DEFAULT_MAX_NODES;
}

/** Keeps only the maxNodes costliest of the drawn functions; returns how many it dropped. */
function limitNodes(model: ProfileModel, drawn: boolean[], maxNodes: number): number {
  if (!maxNodes) return 0;
  const candidates = model.functions.filter((f) => drawn[f.index]);
  if (candidates.length <= maxNodes) return 0;
  candidates.sort((a, b) => b.ct - a.ct || a.index - b.index);
  for (const f of candidates.slice(maxNodes)) drawn[f.index] = false;
  return candidates.length - maxNodes;
}

export function buildCallGraph(model: ProfileModel, options: CallGraphOptions = {}): CallGraph {
  const nodeThreshold = validThreshold(options.nodeThreshold, DEFAULT_NODE_THRESHOLD);
  const edgeThreshold = validThreshold(options.edgeThreshold, DEFAULT_EDGE_THRESHOLD);
  const maxNodes = validMaxNodes(options.maxNodes);
  const total = model.totalTime;
  const hasTime = total > 0;
  const weightOf = (seconds: number) => (hasTime ? seconds / total : 0);

  // Same tests as the middleware: kept when weight >= threshold (an empty profile draws nothing).
  const drawn = model.functions.map((f) => hasTime && weightOf(f.ct) >= nodeThreshold);
  const overMaxNodes = limitNodes(model, drawn, maxNodes);
  const edgeDrawn = model.edges.map((e) => drawn[e.caller] && drawn[e.callee] && weightOf(e.ct) >= edgeThreshold);

  const hot = findHotPath(
    model,
    (fn) => drawn[fn],
    (e) => edgeDrawn[e],
  );
  const hotFunctions = new Set(hot.functions);
  const hotEdges = new Set(hot.edges);

  const nodes: CallGraphNode[] = [];
  const hidden: HiddenSummary = { functions: 0, functionsOwnMs: 0, largestFunctionWeight: 0, edges: 0, overMaxNodes };
  for (const f of model.functions) {
    if (!drawn[f.index]) {
      hidden.functions++;
      hidden.functionsOwnMs += f.tt * 1000;
      hidden.largestFunctionWeight = Math.max(hidden.largestFunctionWeight, weightOf(f.ct));
      continue;
    }
    const hiddenCallees = hiddenCalls(model.calleesOf[f.index], (e) => model.edges[e].callee, f.index, edgeDrawn, model);
    const hiddenCallers = hiddenCalls(model.callersOf[f.index], (e) => model.edges[e].caller, f.index, edgeDrawn, model);
    const weight = weightOf(f.ct);
    const selfWeight = weightOf(f.tt);
    const label = [
      f.displayName,
      graphLocation(f.module, f.line, f.kind === 'builtin'),
      `${graphMs(f.ct * 1000)}  ${graphPercent(weight)}`,
      `self ${graphMs(f.tt * 1000)}  ${graphPercent(selfWeight)}`,
      graphCalls(f.nc, f.cc),
    ];
    if (hiddenCallees.count) label.push(hiddenCalleesNote(hiddenCallees.count, hiddenCallees.ms));
    if (hiddenCallers.count) label.push(hiddenCallersNote(hiddenCallers.count, hiddenCallers.ms));
    nodes.push({
      id: nodeId(f.index),
      function: f.index,
      displayName: f.displayName,
      module: f.module,
      file: f.file,
      line: f.line,
      kind: f.kind,
      hasSource: f.hasSource,
      weight,
      selfWeight,
      totalMs: f.ct * 1000,
      selfMs: f.tt * 1000,
      calls: f.nc,
      primitiveCalls: f.cc,
      color: heatColor(weight),
      onHotPath: hotFunctions.has(f.index),
      hiddenCallees,
      hiddenCallers,
      label,
    });
  }

  const edges: CallGraphEdge[] = [];
  model.edges.forEach((e, index) => {
    if (!edgeDrawn[index]) {
      hidden.edges++;
      return;
    }
    const weight = weightOf(e.ct);
    edges.push({
      edge: index,
      from: nodeId(e.caller),
      to: nodeId(e.callee),
      caller: e.caller,
      callee: e.callee,
      weight,
      ms: e.ct * 1000,
      calls: e.nc,
      primitiveCalls: e.cc,
      color: heatColor(weight),
      penWidth: penWidth(weight),
      onHotPath: hotEdges.has(index),
      label: [graphMs(e.ct * 1000), graphPercent(weight), graphCalls(e.nc, e.cc)],
    });
  });

  return {
    nodes,
    edges,
    hotPath: hot.functions,
    totalMs: total * 1000,
    nodeThreshold,
    edgeThreshold,
    maxNodes,
    hidden,
    hiddenText: describeHidden(hidden, nodeThreshold, edgeThreshold, maxNodes, total * 1000),
  };
}

/** The DOT id of a function's node. Digits only after the letter, so it never needs quoting. */
export function nodeId(functionIndex: number): string {
  return `n${functionIndex}`;
}

/** The function index of a node id written by nodeId, or undefined. */
export function functionOfNodeId(id: string): number | undefined {
  const match = /^n(\d+)$/.exec(id);
  return match ? Number(match[1]) : undefined;
}

function hiddenCalls(edgeIndices: number[], otherEnd: (edge: number) => number, self: number, edgeDrawn: boolean[], model: ProfileModel): HiddenCalls {
  const others = new Set<number>();
  let seconds = 0;
  for (const e of edgeIndices) {
    const other = otherEnd(e);
    if (edgeDrawn[e] || other === self) continue;
    others.add(other);
    seconds += model.edges[e].ct;
  }
  return { count: others.size, ms: seconds * 1000 };
}

function describeHidden(hidden: HiddenSummary, nodeThreshold: number, edgeThreshold: number, maxNodes: number, totalMs: number): string {
  if (!hidden.functions && !hidden.edges) return 'All functions and calls are drawn.';
  const parts: string[] = [];
  if (hidden.functions) {
    const ownShare = totalMs > 0 ? `, ${graphPercent(hidden.functionsOwnMs / totalMs)}` : '';
    parts.push(
      `${hidden.functions} ${hidden.functions === 1 ? 'function' : 'functions'} under ${graphPercent(nodeThreshold)}` +
        (hidden.overMaxNodes ? ` or beyond the ${maxNodes} costliest` : '') +
        ` (own time ${graphMs(hidden.functionsOwnMs)}${ownShare})`,
    );
  }
  if (hidden.edges) {
    parts.push(`${hidden.edges} ${hidden.edges === 1 ? 'call' : 'calls'} under ${graphPercent(edgeThreshold)} or to hidden functions`);
  }
  return `Not drawn: ${parts.join('; ')}.`;
}
