/**
 * The bottom-up callers view: for a chosen function, who called it and how much of its time
 * came from each caller, expandable up to the roots.
 *
 * The first level is recorded exactly: cProfile's caller→callee edge holds the function's
 * cumulative time for calls from that caller. Further up it is apportioned: a caller C that
 * brought time t is split among C's own callers in proportion to their edges into C
 * (t × edge.ct / C.ct). Where recursion makes the edges into a function add up to more than
 * its cumulative time, they are scaled to fit, so a node's callers never hold more than it.
 * Self-calls are left out (they bring no time from outside); a caller already in the chain
 * is shown as a recursive leaf that never expands.
 */
import type { ProfileModel } from './profileModel';

export interface CallerNode {
  /** The chain of function indices from the chosen function up: "42" (it), "42/17" (its caller 17)... */
  readonly id: string;
  readonly parentId: string | null;
  readonly depth: number;
  readonly fn: number;
  /** Seconds of the chosen function's time that came through this chain of callers. */
  readonly time: number;
  /** time / the chosen function's cumulative time. */
  readonly shareOfTarget: number;
  /** time / the request's profiled time. */
  readonly fraction: number;
  /** Calls on the edge from this caller into the node below it (the function's own counts at the top). */
  readonly cc: number;
  readonly nc: number;
  /** True when no time had to be apportioned or scaled along the chain. */
  readonly exact: boolean;
  /** Already in the chain: a recursive call, shown but never expanded. */
  readonly recursive: boolean;
  readonly hasCallers: boolean;
}

const OVERLAP_TOLERANCE = 1e-9;

export class CallersTree {
  private readonly nodes = new Map<string, CallerNode>();
  private readonly expanded = new Map<string, CallerNode[]>();

  constructor(
    readonly model: ProfileModel,
    readonly target: number,
  ) {
    const f = model.functions[target];
    this.nodes.set(String(target), {
      id: String(target),
      parentId: null,
      depth: 0,
      fn: target,
      time: f.ct,
      shareOfTarget: 1,
      fraction: model.totalTime > 0 ? f.ct / model.totalTime : 0,
      cc: f.cc,
      nc: f.nc,
      exact: true,
      recursive: false,
      hasCallers: this.outsideCallers(target).length > 0,
    });
  }

  /** The chosen function itself, at the top of the view. */
  root(): CallerNode {
    return this.nodes.get(String(this.target))!;
  }

  /** A node's callers, the biggest share first; [] for roots, recursive leaves and unknown ids. */
  callers(id: string): CallerNode[] {
    const known = this.expanded.get(id);
    if (known) return known;
    const node = this.node(id);
    if (!node || node.recursive) return [];
    const chain = new Set(id.split('/').map(Number));
    const edges = this.outsideCallers(node.fn);
    const info = this.model.functions[node.fn];
    let recorded = 0;
    for (const e of edges) recorded += this.model.edges[e].ct;
    const scaled = recorded > info.ct * (1 + OVERLAP_TOLERANCE);
    const denominator = scaled ? recorded : info.ct;
    // The top level is the edge's own record; above it, time is apportioned unless the node had one caller.
    const exact = node.exact && !scaled && (node.depth === 0 || edges.length === 1);
    const result = edges.map((e): CallerNode => {
      const edge = this.model.edges[e];
      const time = denominator > 0 ? (node.time * edge.ct) / denominator : 0;
      const recursive = chain.has(edge.caller);
      const childId = `${id}/${edge.caller}`;
      const caller: CallerNode = {
        id: childId,
        parentId: id,
        depth: node.depth + 1,
        fn: edge.caller,
        time,
        shareOfTarget: this.root().time > 0 ? time / this.root().time : 0,
        fraction: this.model.totalTime > 0 ? time / this.model.totalTime : 0,
        cc: edge.cc,
        nc: edge.nc,
        exact: exact && !recursive,
        recursive,
        hasCallers: !recursive && this.outsideCallers(edge.caller).length > 0,
      };
      this.nodes.set(childId, caller);
      return caller;
    });
    result.sort((a, b) => b.time - a.time || a.fn - b.fn);
    this.expanded.set(id, result);
    return result;
  }

  /** A node by id, computing the chain up to it if needed; undefined if no such chain exists. */
  node(id: string): CallerNode | undefined {
    const known = this.nodes.get(id);
    if (known) return known;
    const parts = id.split('/');
    if (parts[0] !== String(this.target)) return undefined;
    let current = parts[0];
    for (let i = 1; i < parts.length; i++) {
      this.callers(current);
      current = `${current}/${parts[i]}`;
      if (!this.nodes.has(current)) return undefined;
    }
    return this.nodes.get(id);
  }

  /** The rows on screen: the function, then the callers of every expanded node, depth first. */
  visibleRows(expanded: ReadonlySet<string>): CallerNode[] {
    const rows: CallerNode[] = [];
    const stack = [this.root()];
    while (stack.length) {
      const node = stack.pop()!;
      rows.push(node);
      if (expanded.has(node.id) && node.hasCallers) {
        const callers = this.callers(node.id);
        for (let i = callers.length - 1; i >= 0; i--) stack.push(callers[i]);
      }
    }
    return rows;
  }

  /** Edges into fn from other functions. */
  private outsideCallers(fn: number): number[] {
    return this.model.callersOf[fn].filter((e) => this.model.edges[e].caller !== fn);
  }
}
